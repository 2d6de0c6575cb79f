/**
 * Entry point of the bundled language server (`node dist/server.js --stdio|--node-ipc`, as the
 * VS Code extension starts it). The bundled CLI's `shapelint server` requires this file instead
 * and calls `startServer` itself.
 */
import { startServer } from './server';

export { startServer };

if (require.main === module) startServer();
