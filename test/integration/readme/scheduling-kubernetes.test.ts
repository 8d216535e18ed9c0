import { schedulingSuite } from './scheduling-suite.js'

schedulingSuite({ recipes: ['Kubernetes CronJob', 'Kubernetes Indexed Job'], lanes: false })
