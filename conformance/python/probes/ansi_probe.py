"""How informix-driver works on a MODE ANSI TestServer database (run by test/conformance/ansiPeers.test.ts).

Prints one "key=value" line per observation. Not a conformance scenario: the scenario list is shared with the JDBC
peer.
"""

import sys

import informix_db

port = int(sys.argv[1])
conn = informix_db.connect(
    "127.0.0.1", port, user="informix", password="in4mix", database="ansidb", server="ol_test"
)
cur = conn.cursor()
cur.execute("CREATE TABLE py_ansi (n INTEGER)")
conn.commit()
cur.execute("INSERT INTO py_ansi VALUES (1)")
conn.commit()
cur.execute("SELECT n FROM py_ansi")
print("committed=" + ",".join(str(r[0]) for r in cur.fetchall()))
conn.rollback()
cur.execute("INSERT INTO py_ansi VALUES (2)")
conn.rollback()
cur.execute("SELECT n FROM py_ansi")
print("afterRollback=" + ",".join(str(r[0]) for r in cur.fetchall()))
# autocommit=True: informix-driver sends no SQ_BEGIN, so the server opens the implicit transaction itself and says so
# with SQ_XACTSTAT in the statement's reply; the driver never commits it (its commit() is a no-op then).
auto = informix_db.connect(
    "127.0.0.1", port, user="informix", password="in4mix", database="ansidb", server="ol_test", autocommit=True
)
auto_cur = auto.cursor()
auto_cur.execute("INSERT INTO py_ansi VALUES (5)")
auto_cur.execute("SELECT n FROM py_ansi ORDER BY n")
print("autocommitSession=" + ",".join(str(r[0]) for r in auto_cur.fetchall()))
auto.close()
cur.execute("SELECT n FROM py_ansi")
print("afterAutocommitClose=" + ",".join(str(r[0]) for r in cur.fetchall()))
conn.rollback()
conn.close()
print("done=true")
