/** Entry point for `node main.js --stdio|--node-ipc` until the CLI's `shapelint server` is wired. */
import { startServer } from './server';

startServer();
