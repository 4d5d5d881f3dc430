/**
 * effect-informix: a pure-TypeScript, Effect-native driver for IBM Informix over the SQLI wire protocol.
 *
 * The package root is the driver alone: importing it loads neither `node:sqlite` nor the embedded server. The
 * embedded SQLI server (on `node:sqlite`) has its own entry point, `import * as TestServer from
 * "effect-informix/TestServer"`, and a command line, `npx effect-informix-server`.
 *
 * Each module is also importable on its own, e.g. `import * as InformixClient from "effect-informix/InformixClient"`.
 *
 * @since 0.1.0
 */

/**
 * One Informix session over node:net / node:tls: login, statements, cursors as Streams, transactions, and an
 * interrupt-safe serial executor.
 *
 * @since 0.1.0
 */
export * as Connection from "./Connection.ts"

/**
 * Change streams: the committed changes of tables as a `Stream` of insert / update / delete events with transaction
 * boundaries, over the Change Data Capture API, resumable from a saved position.
 *
 * @since 0.1.0
 */
export * as InformixChanges from "./InformixChanges.ts"

/**
 * The `effect/sql` driver: one Layer providing `InformixClient` and `SqlClient.SqlClient`, backed by a Pool.
 *
 * @since 0.1.0
 */
export * as InformixClient from "./InformixClient.ts"

/**
 * The typed error family: connection, authentication, SQL (sqlcode / ISAM code), protocol, pool timeout, config.
 *
 * @since 0.1.0
 */
export * as InformixError from "./InformixError.ts"

/**
 * Migrations for Informix (effect's Migrator has no Informix dialect).
 *
 * @since 0.1.0
 */
export * as InformixMigrator from "./InformixMigrator.ts"

/**
 * Informix values: DATE, DATETIME with its qualifier, INTERVAL, BYTE/TEXT descriptors and typed parameters.
 *
 * @since 0.1.0
 */
export * as InformixValue from "./InformixValue.ts"

/**
 * A connection pool with hygiene: rollback on return, no dirty or dead hand-outs, TTL, max lifetime, metrics.
 *
 * @since 0.1.0
 */
export * as Pool from "./Pool.ts"

/**
 * The pure SQLI codec: message encoders, incremental decoders and value codecs. No I/O.
 *
 * @since 0.1.0
 */
export * as Protocol from "./Protocol.ts"
