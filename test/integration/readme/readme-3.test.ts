import { readmeSuite } from './readme-suite.js'

readmeSuite(2, 3)
