import { schedulingSuite } from './scheduling-suite.js'

schedulingSuite({ recipes: ['Airflow BashOperator'], lanes: true })
