// A Kysely dialect over PGlite. PGlite is one in-process connection, so the driver hands it out to one user at a
// time: a transaction holds it from BEGIN to COMMIT and other queries wait. (The kysely-pglite package does the
// same but drags in a CLI framework; this is the whole of what we need.) Two dialects may share one lock, one of
// them urgent: its statements take the connection before any normal one still waiting (a fire alarm does not queue
// behind a batch of meter readings), never interrupting the statement or transaction that holds it.
import type { PGlite } from '@electric-sql/pglite';
import {
  CompiledQuery as Compiled,
  type CompiledQuery,
  type DatabaseConnection,
  type Dialect,
  type Driver,
  type Kysely,
  PostgresAdapter,
  PostgresIntrospector,
  PostgresQueryCompiler,
  type QueryResult,
  type TransactionSettings,
} from 'kysely';

/** The single connection's lock: first come, first served, except that urgent waiters go before normal ones. */
export class ConnectionLock {
  #held = false;
  readonly #urgent: Array<() => void> = [];
  readonly #normal: Array<() => void> = [];

  lock(urgent = false): Promise<() => void> {
    return new Promise((resolve) => {
      const grant = () => {
        this.#held = true;
        let released = false;
        resolve(() => {
          if (released) return;
          released = true;
          this.#handOver();
        });
      };
      if (!this.#held) grant();
      else (urgent ? this.#urgent : this.#normal).push(grant);
    });
  }

  /** Statements waiting for the connection (urgent ones included). */
  get waiting(): number {
    return this.#urgent.length + this.#normal.length;
  }

  #handOver() {
    const next = this.#urgent.shift() ?? this.#normal.shift();
    if (next) next();
    else this.#held = false;
  }
}

class PGliteConnection implements DatabaseConnection {
  constructor(readonly client: PGlite) {}

  async executeQuery<R>(compiled: CompiledQuery): Promise<QueryResult<R>> {
    const result = await this.client.query<R>(compiled.sql, compiled.parameters as unknown[]);
    const affected = result.affectedRows;
    return {
      rows: result.rows,
      ...(affected !== undefined ? { numAffectedRows: BigInt(affected) } : {}),
    };
  }

  // biome-ignore lint/correctness/useYield: streaming is not offered by PGlite; Kysely only calls this for .stream()
  async *streamQuery<R>(): AsyncIterableIterator<QueryResult<R>> {
    throw new Error('PGlite does not support streaming queries');
  }
}

class PGliteDriver implements Driver {
  readonly #releases = new WeakMap<DatabaseConnection, () => void>();
  constructor(
    readonly client: PGlite,
    readonly lock: ConnectionLock,
    readonly urgent: boolean,
  ) {}

  async init(): Promise<void> {
    await this.client.waitReady;
  }

  async acquireConnection(): Promise<DatabaseConnection> {
    const release = await this.lock.lock(this.urgent);
    const connection = new PGliteConnection(this.client);
    this.#releases.set(connection, release);
    return connection;
  }

  async beginTransaction(connection: DatabaseConnection, settings: TransactionSettings): Promise<void> {
    const isolation = settings.isolationLevel ? ` isolation level ${settings.isolationLevel}` : '';
    await connection.executeQuery(Compiled.raw(`begin${isolation}`));
  }

  async commitTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(Compiled.raw('commit'));
  }

  async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(Compiled.raw('rollback'));
  }

  async releaseConnection(connection: DatabaseConnection): Promise<void> {
    this.#releases.get(connection)?.();
    this.#releases.delete(connection);
  }

  async destroy(): Promise<void> {
    if (!this.client.closed) await this.client.close();
  }
}

export class PGliteDialect implements Dialect {
  constructor(
    readonly client: PGlite,
    readonly lock: ConnectionLock = new ConnectionLock(),
    readonly urgent = false,
  ) {}
  createAdapter() {
    return new PostgresAdapter();
  }
  createDriver(): Driver {
    return new PGliteDriver(this.client, this.lock, this.urgent);
  }
  createQueryCompiler() {
    return new PostgresQueryCompiler();
  }
  createIntrospector(db: Kysely<unknown>) {
    return new PostgresIntrospector(db);
  }
}
