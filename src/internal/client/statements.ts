/**
 * The client's statement constructor (`` sql`...` ``, `sql.unsafe`, the helpers) with a cheaper way to the session.
 *
 * effect/sql's `SqlClient.make` builds its constructor with `Statement.make` over a connection lookup that reads the
 * transaction service as an `Option` and branches with `Option.match` — on the borrower path a new matcher (two
 * closures and its options object) per statement. This builds the same constructor with `Statement.make` (so the
 * statement, its compile, its span and its attributes are effect's own) over a lookup that reads the transaction
 * straight from the fiber's context: in a transaction the statement runs on the transaction's session, otherwise it
 * leases one, exactly as effect's lookup decides.
 *
 * @internal
 */
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import type * as SqlClient from "effect/sql/SqlClient"
import type * as SqlConnection from "effect/sql/SqlConnection"
import * as Statement from "effect/sql/Statement"

type TransformRows = (<A extends object>(rows: ReadonlyArray<A>) => ReadonlyArray<A>) | undefined

/** Everything a statement constructor needs besides the compiler and the row transform. */
export interface StatementOptions {
  readonly transactionService: SqlClient.SqlClient["transactionService"]
  readonly acquirer: SqlConnection.Acquirer
  readonly borrower: SqlConnection.Borrower | undefined
  readonly spanAttributes: ReadonlyArray<readonly [string, unknown]>
}

/** The acquirer and borrower of statements, both first looking for the fiber's transaction. */
const connectionLookup = (options: StatementOptions) => {
  const { acquirer, borrower, transactionService } = options
  const getConnection: SqlConnection.Acquirer = Effect.withFiber((fiber) => {
    const transaction = Context.getOrUndefined(fiber.context, transactionService)
    return transaction === undefined ? acquirer : Effect.succeed(transaction[0])
  })
  const borrow: SqlConnection.Borrower | undefined = borrower === undefined ?
    undefined :
    (f) =>
      Effect.withFiber((fiber) => {
        const transaction = Context.getOrUndefined(fiber.context, transactionService)
        return transaction === undefined ? borrower(f) : f(transaction[0])
      })
  return { getConnection, borrow }
}

/**
 * Puts statement constructors over `client`'s own (which `SqlClient.make` built): `client` keeps every other member
 * (transactions, `reserve`, `reactive`, …). Its `withoutTransforms()` copy gets the same kind of constructor and the
 * members the client has when it is first asked for (so also those added after this returns).
 */
export const withStatements = <C extends SqlClient.SqlClient>(
  client: C,
  options: StatementOptions & { readonly compiler: Statement.Compiler; readonly transformRows: TransformRows }
): C => {
  const { borrow, getConnection } = connectionLookup(options)
  // As SqlClient.make does for its own copy: the constructor's functions over the client's other members.
  const assemble = (members: C, compiler: Statement.Compiler, transformRows: TransformRows): C => {
    const statement = Statement.make(getConnection, compiler, options.spanAttributes, transformRows, borrow)
    const assembled = Object.assign(statement, { ...members, ...statement }) as C
    ;(assembled as { safe: C }).safe = assembled
    return assembled
  }
  const self = assemble(client, options.compiler, options.transformRows)
  if (options.transformRows !== undefined) {
    let withoutTransforms: C | undefined
    ;(self as { withoutTransforms: () => C }).withoutTransforms = () => {
      if (withoutTransforms === undefined) {
        const copy = assemble(self, options.compiler.withoutTransform, undefined)
        ;(copy as { withoutTransforms: () => C }).withoutTransforms = () => copy
        withoutTransforms = copy
      }
      return withoutTransforms
    }
  }
  return self
}
