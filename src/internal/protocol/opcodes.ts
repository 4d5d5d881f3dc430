/**
 * SQLI numeric constants: message opcodes (SQLI.md §6), login-PDU markers, statement types (sqlstype.h, §8.4),
 * scroll-fetch codes and SL types. Plain `as const` objects (no enums: erasableSyntaxOnly).
 *
 * @internal
 */

/** Post-login message opcodes (the u16 every message starts with). */
export const Opcode = {
  COMMAND: 1,
  PREPARE: 2,
  CURNAME: 3,
  ID: 4,
  BIND: 5,
  OPEN: 6,
  EXECUTE: 7,
  DESCRIBE: 8,
  NFETCH: 9,
  CLOSE: 10,
  RELEASE: 11,
  EOT: 12,
  ERR: 13,
  TUPLE: 14,
  DONE: 15,
  CMMTWORK: 19,
  RBWORK: 20,
  NDESCRIBE: 22,
  SFETCH: 23,
  SCROLL: 24,
  TUPID: 25,
  DBLIST: 26,
  BEGIN: 35,
  DBOPEN: 36,
  DBCLOSE: 37,
  FETCHBLOB: 38,
  BLOB: 39,
  FERR: 40,
  BBIND: 41,
  HOLD: 43,
  WANTDONE: 49,
  VERSION: 53,
  COST: 55,
  EXIT: 56,
  INFO: 81,
  REASSOC: 86,
  INSERTDONE: 94,
  LODATA: 97,
  XACTSTAT: 99,
  RET_TYPE: 100,
  GETROUTINE: 101,
  EXFPROUTINE: 102,
  FPROUTINE: 103,
  /** SQ_FPARAM: a fast-path routine's function state and parameter modes (CallableStatement OUT parameters). */
  FPARAM: 104,
  CIDESCRIBE: 124,
  IDESCRIBE: 125,
  PROTOCOLS: 126,
  ACCEPT: 127,
  ACK: 128,
  CHALLENGE: 129,
  RESPONSE: 130,
  /** SQ_FPDESCRIBE (client) / its reply (132): a fast-path routine's parameters with their modes. */
  FPDESCRIBE: 131,
  IFPDESCRIBE: 132,
  SGKPREPARE: 134,
  SGKDESCRIBE: 135,
  SGKTUPLE: 136,
  SQLISETSVPT: 137,
  SQLIRELSVPT: 138,
  SQLIRBACKSVPT: 139,
  BATCHSTART: 141,
  BATCHEND: 142
} as const

/** Markers inside the CONREQ/CONACC bodies (a separate namespace from opcodes). */
export const LoginMarker = {
  ASSOC: 100,
  ASCBINARY: 101,
  ASCINITRESP: 102,
  /** A redirect detail follows (JDBC names it SQ_ASCDBLIST; JDBC-READING.md §5). */
  ASCREDIRECT: 103,
  ASCINITREQ: 104,
  ASCENV: 106,
  ASCPINFO: 107,
  ASCBPARMS: 108,
  ASCMISC_60: 116,
  ASCEOT: 127
} as const

/** Session-layer PDU types (SL header byte 2). */
export const SlType = {
  CONREQ: 1,
  CONACC: 2,
  CONREJ: 3,
  REDIRECT: 13
} as const

/** SL attribute / protocol id byte: 60 = PF_PROT_SQLI_0600. */
export const SL_PROTOCOL_SQLI = 60

/** SQ_DESCRIBE.statementType values (sqlstype.h; SQLI.md §8.4). */
export const StatementType = {
  DATABASE: 1,
  SELECT: 2,
  SELECT_INTO: 3,
  UPDATE: 4,
  DELETE: 5,
  INSERT: 6,
  UPDATE_CURRENT: 7,
  DELETE_CURRENT: 8,
  LOCK: 10,
  UNLOCK: 11,
  CREATE_DATABASE: 12,
  DROP_DATABASE: 13,
  CREATE_TABLE: 14,
  DROP_TABLE: 15,
  CREATE_INDEX: 16,
  DROP_INDEX: 17,
  GRANT: 18,
  REVOKE: 19,
  RENAME_TABLE: 20,
  RENAME_COLUMN: 21,
  ALTER_TABLE: 29,
  UPDATE_STATISTICS: 30,
  CLOSE_DATABASE: 31,
  DELETE_ALL: 32,
  UPDATE_ALL: 33,
  BEGIN_WORK: 34,
  COMMIT: 35,
  ROLLBACK: 36,
  SAVEPOINT: 37,
  CREATE_VIEW: 40,
  DROP_VIEW: 41,
  CREATE_SYNONYM: 43,
  DROP_SYNONYM: 44,
  CREATE_TEMP_TABLE: 45,
  SET_LOCK_MODE: 46,
  ALTER_INDEX: 47,
  SET_ISOLATION: 48,
  SET_LOG: 49,
  SET_EXPLAIN: 50,
  CREATE_SCHEMA: 51,
  SET_OPTIMIZATION: 52,
  CREATE_PROCEDURE: 53,
  DROP_PROCEDURE: 54,
  SET_CONSTRAINTS: 55,
  EXECUTE_PROCEDURE: 56,
  CREATE_TRIGGER: 70,
  DROP_TRIGGER: 71
} as const

/** SQ_SFETCH scroll types JDBC 15 sends (SQLI.md §7.7); the others are unknown. */
export const ScrollType = {
  NEXT: 1,
  LAST: 4,
  ABSOLUTE: 6
} as const

/** SQ_INFO item types (ifxdrv names; only ENV is used by any client). */
export const InfoType = {
  DONE: 0,
  REQUEST: 1,
  VERSION: 2,
  TYPE: 3,
  CAPABILITY: 4,
  DB: 5,
  ENV: 6
} as const
