import { readmeSuite } from './readme-suite.js'

readmeSuite(0, 3)
