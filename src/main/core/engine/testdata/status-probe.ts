// Prints EngineClient.fromEnvironment().status() as JSON. The permission test runs it as an
// unprivileged uid (root may open any socket, so EACCES can only be seen from another user).
import { EngineClient } from '../engine-client'

const status = await EngineClient.fromEnvironment().status()
process.stdout.write(JSON.stringify(status))
