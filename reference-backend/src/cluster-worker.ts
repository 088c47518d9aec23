import { runClusterWorker } from './server.ts'

await runClusterWorker()
