import { readmeSuite } from './readme-suite.js'

readmeSuite(1, 3)
