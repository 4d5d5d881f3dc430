/**
 * Client-side catalogue of Informix SQLCODE / ISAM messages and the classifier that sorts them into the
 * categories callers act on (unique violation, lock timeout, …).
 *
 * Why a catalogue at all: SQ_ERR carries only the numbers and a message *parameter* (an object name that
 * replaces `%s`), never the text (SQLI.md §9.1) — every client ships its own catalogue. The wording here is ours,
 * modelled on the meaning of IBM's documented messages; codes we do not know still produce a useful message.
 *
 * @internal
 */

/**
 * What a caller can do about an error. Each category maps to exactly one `effect/sql` `SqlError` reason (see
 * `reasonTagOf`), so the InformixClient mapping is a table lookup.
 */
export type SqlCodeCategory =
  | "UniqueViolation"
  | "ConstraintViolation"
  | "LockTimeout"
  | "Deadlock"
  | "SyntaxError"
  | "NotFound"
  | "Authorization"
  | "Authentication"
  | "Connection"
  | "Interrupted"
  | "Unknown"

/**
 * SQL-level messages. `%s` is replaced by the SQ_ERR parameter; messages without `%s` get the parameter appended
 * in parentheses when the server sent one (so no information is lost).
 */
const sqlMessages: ReadonlyMap<number, string> = new Map([
  [-201, "Syntax error in the statement"],
  [-202, "The statement contains an illegal character"],
  [-206, "Table (%s) does not exist in the database"],
  [-208, "The server could not allocate memory while processing the query"],
  [-211, "The server cannot read the system catalog (%s)"],
  [-213, "The statement was interrupted by the client"],
  [-217, "Column (%s) was not found in any table of the query"],
  [-233, "Cannot read a row that another session has locked"],
  [-236, "The number of INSERT columns does not match the number of VALUES"],
  [-239, "Duplicate value inserted into a unique index (%s)"],
  [-240, "Could not delete a row"],
  [-243, "Could not position within table (%s)"],
  [-244, "Could not read the next row in physical order"],
  [-245, "Could not position within a file through an index"],
  [-246, "Could not read the next row through an index"],
  [-250, "Could not read a row for update"],
  [-254, "Too many or too few values were supplied for the statement's parameters"],
  [-255, "No transaction is in progress"],
  [-256, "Transactions are not available (the database has no transaction log)"],
  [-258, "The server received an invalid statement id"],
  [-259, "The cursor is not open"],
  [-260, "A prepared SELECT must be executed through a cursor"],
  [-263, "Could not lock a row for update"],
  [-267, "The cursor or statement was already released"],
  [-268, "Unique constraint (%s) violated"],
  [-271, "Could not insert a new row into the table"],
  [-272, "SELECT permission is missing"],
  [-273, "UPDATE permission is missing"],
  [-274, "DELETE permission is missing"],
  [-275, "INSERT permission is missing"],
  [-284, "A subquery returned more than one row"],
  [-285, "The server received an invalid cursor"],
  [-288, "Table (%s) is not locked by the current session"],
  [-289, "Cannot lock table (%s) in the requested mode"],
  [-292, "Column %s does not accept NULL values"],
  [-310, "Table (%s) already exists in the database"],
  [-313, "Only the owner of the table or a DBA may do this"],
  [-315, "INDEX permission on the table is missing"],
  [-316, "Index (%s) already exists in the database"],
  [-320, "Only the owner of the index or a DBA may do this"],
  [-329, "Database not found, or no permission to open it"],
  [-349, "No database has been opened"],
  [-378, "The row is locked by another session"],
  [-387, "CONNECT permission on the database is missing"],
  [-388, "RESOURCE permission on the database is missing"],
  [-389, "DBA permission on the database is missing"],
  [-391, "NULL cannot be inserted into column (%s)"],
  [-408, "The client received a message of an unexpected type"],
  [-415, "Data conversion failed for a value"],
  [-530, "Check constraint (%s) failed"],
  [-535, "A transaction is already in progress"],
  [-541, "ALTER permission is missing"],
  [-579, "Only the owner of the synonym or a DBA may do this"],
  [-674, "Routine (%s) cannot be resolved"],
  [-706, "EXECUTE permission on routine (%s) is missing"],
  [-691, "The referenced table has no row with this key (referential constraint %s)"],
  [-692, "The key is still referenced by another table (constraint %s)"],
  [-703, "A primary-key column of table (%s) holds NULL"],
  [-759, "Database statements cannot be used in an explicit database connection"],
  [-761, "INFORMIXSERVER does not match the server's DBSERVERNAME or DBSERVERALIASES"],
  [-876, "SET TRANSACTION cannot be issued once the transaction has started"],
  [-908, "Could not connect to the database server (%s)"],
  [-930, "Cannot connect to the database server (%s)"],
  [-951, "Incorrect password, or user %s is unknown to the database server"],
  [-952, "The password of user (%s) is not correct for the database server"],
  [-956, "The client host or user %s is not trusted by the database server"],
  [-1204, "Invalid year in a date"],
  [-1205, "Invalid month in a date"],
  [-1206, "Invalid day in a date"],
  [-1213, "A character value could not be converted to a number"],
  [-1214, "The value does not fit in a SMALLINT"],
  [-1215, "The value does not fit in an INTEGER"],
  [-1218, "A character value could not be converted to a date"],
  [-1226, "A DECIMAL or MONEY value exceeds its declared precision"],
  [-1262, "A DATETIME or INTERVAL value contains a non-numeric character"],
  [-1263, "A DATETIME or INTERVAL field is out of range, or the operation is not valid for it"],
  [-1264, "Extra characters follow a DATETIME or INTERVAL value"],
  [-8321, "Only the owner of the sequence or a DBA may do this"],
  [-9700, "Routine (%s) is ambiguous: more than one routine matches the arguments"],
  [-9752, "An OUT or INOUT argument must be a variable"],
  [-23101, "The client could not load the locale categories"],
  [-23197, "The database locale does not match the locale the client declared"],
  [-25580, "A system error occurred in a network function"],
  [-25582, "The network connection is broken"]
])

/** ISAM / RSAM secondary messages (SQ_ERR's second code, sqlca.sqlerrd[1]). */
const isamMessages: ReadonlyMap<number, string> = new Map([
  [-78, "deadlock detected or avoided"],
  [-100, "duplicate value for a unique key"],
  [-103, "illegal key descriptor"],
  [-104, "too many files open"],
  [-106, "non-exclusive access"],
  [-107, "the row is locked"],
  [-108, "the key already exists"],
  [-110, "end of file"],
  [-111, "no record found"],
  [-112, "there is no current record"],
  [-113, "the table is locked"],
  [-143, "deadlock detected"],
  [-144, "the key value is locked"],
  [-154, "lock wait timed out"]
])

/** Message text for an SQLCODE, or `undefined` when the catalogue does not know it. */
export const sqlMessageTemplate = (sqlcode: number): string | undefined => sqlMessages.get(sqlcode)

/** Message text for an ISAM code, or `undefined` when unknown (or 0 = none). */
export const isamMessage = (isamCode: number): string | undefined => isamMessages.get(isamCode)

/**
 * Formats the human-readable message for an SQ_ERR:
 * `"[-206] Table (nosuchtable) does not exist in the database (ISAM -111: no record found)"`.
 * Unknown codes still say which code it was, and keep the parameter.
 */
export const formatServerMessage = (sqlcode: number, isamCode: number, parameter: string): string => {
  const template = sqlMessages.get(sqlcode)
  let text: string
  if (template === undefined) {
    text = parameter.length > 0 ? `Informix error (${parameter})` : "Informix error"
  } else if (template.includes("%s")) {
    // Replace every %s; an empty parameter leaves empty parentheses, which still reads correctly.
    text = template.split("%s").join(parameter)
  } else {
    text = parameter.length > 0 ? `${template} (${parameter})` : template
  }
  let message = `[${sqlcode}] ${text}`
  if (isamCode !== 0) {
    const isam = isamMessages.get(isamCode)
    message += isam === undefined ? ` (ISAM ${isamCode})` : ` (ISAM ${isamCode}: ${isam})`
  }
  return message
}

// ISAM codes that mean "someone else holds a lock" whatever SQL operation reported them. The SQL code then only
// says which operation failed (-243/-244/-245/-246/-271/-240/-263/-346 ...), so the ISAM code decides.
const lockIsamCodes: ReadonlySet<number> = new Set([-107, -113, -144, -154])
const deadlockIsamCodes: ReadonlySet<number> = new Set([-78, -143])

const categoryBySqlCode: ReadonlyMap<number, SqlCodeCategory> = new Map<number, SqlCodeCategory>([
  [-239, "UniqueViolation"],
  [-268, "UniqueViolation"],
  [-391, "ConstraintViolation"],
  [-292, "ConstraintViolation"],
  [-530, "ConstraintViolation"],
  [-691, "ConstraintViolation"],
  [-692, "ConstraintViolation"],
  [-703, "ConstraintViolation"],
  [-233, "LockTimeout"],
  [-289, "LockTimeout"],
  [-378, "LockTimeout"],
  [-201, "SyntaxError"],
  [-202, "SyntaxError"],
  [-236, "SyntaxError"],
  [-206, "NotFound"],
  [-217, "NotFound"],
  [-329, "NotFound"],
  [-674, "NotFound"],
  [-272, "Authorization"],
  [-273, "Authorization"],
  [-274, "Authorization"],
  [-275, "Authorization"],
  [-387, "Authorization"],
  [-388, "Authorization"],
  [-389, "Authorization"],
  [-313, "Authorization"],
  [-315, "Authorization"],
  [-320, "Authorization"],
  [-541, "Authorization"],
  [-579, "Authorization"],
  [-706, "Authorization"],
  [-8321, "Authorization"],
  [-951, "Authentication"],
  [-952, "Authentication"],
  [-956, "Authentication"],
  [-761, "Connection"],
  [-908, "Connection"],
  [-930, "Connection"],
  [-25580, "Connection"],
  [-25582, "Connection"],
  [-213, "Interrupted"]
])

/**
 * Sorts a server error into a category. The ISAM code wins for locking and duplicates because Informix reports
 * those through whatever SQL operation hit them (e.g. -271 "could not insert" + ISAM -100 "duplicate" is a unique
 * violation; -244 + ISAM -154 is a lock wait that timed out).
 */
export const classify = (sqlcode: number, isamCode: number): SqlCodeCategory => {
  if (deadlockIsamCodes.has(isamCode)) return "Deadlock"
  if (lockIsamCodes.has(isamCode)) return "LockTimeout"
  if (isamCode === -100) return "UniqueViolation"
  return categoryBySqlCode.get(sqlcode) ?? "Unknown"
}

/**
 * The `effect/sql` `SqlError` reason `_tag` each category becomes. NotFound goes to `SqlSyntaxError` because
 * effect/sql has no "undefined object" reason and SQLSTATE puts undefined tables/columns in class 42 ("syntax error
 * or access rule violation") — the same place the Postgres driver's codes land. Interrupted becomes
 * `StatementTimeoutError`: this driver only interrupts a statement when the caller's fiber was interrupted or a
 * query timeout fired.
 */
export const reasonTagOf = (
  category: SqlCodeCategory
):
  | "UniqueViolation"
  | "ConstraintError"
  | "LockTimeoutError"
  | "DeadlockError"
  | "SqlSyntaxError"
  | "AuthorizationError"
  | "AuthenticationError"
  | "ConnectionError"
  | "StatementTimeoutError"
  | "UnknownError" =>
{
  switch (category) {
    case "UniqueViolation":
      return "UniqueViolation"
    case "ConstraintViolation":
      return "ConstraintError"
    case "LockTimeout":
      return "LockTimeoutError"
    case "Deadlock":
      return "DeadlockError"
    case "SyntaxError":
    case "NotFound":
      return "SqlSyntaxError"
    case "Authorization":
      return "AuthorizationError"
    case "Authentication":
      return "AuthenticationError"
    case "Connection":
      return "ConnectionError"
    case "Interrupted":
      return "StatementTimeoutError"
    case "Unknown":
      return "UnknownError"
  }
}

/** Every SQLCODE the catalogue knows (for tests and the test server). */
export const knownSqlCodes = (): ReadonlyArray<number> => Array.from(sqlMessages.keys())

/** Every ISAM code the catalogue knows. */
export const knownIsamCodes = (): ReadonlyArray<number> => Array.from(isamMessages.keys())
