# SYNTAX TEST "source.python" "SQL in Python strings: triple-quoted statements and the first argument of database calls"
QUERY = """SELECT id, total FROM orders WHERE customer_id = %s"""
#       ^^^ string.quoted.multi.python punctuation.definition.string.begin.python - meta.embedded.sql
#          ^^^^^^ string.quoted.multi.python meta.embedded.sql keyword.other.DML.sql
#                           ^^^^ meta.embedded.sql keyword.other.DML.sql
#                                                           ^^ meta.embedded.sql constant.character.format.placeholder.other.python
#                                                             ^^^ string.quoted.multi.python punctuation.definition.string.end.python - meta.embedded.sql

REPORT = """
#        ^^^ string.quoted.multi.python punctuation.definition.string.begin.python
    with totals as (
#   ^^^^ string.quoted.multi.python meta.embedded.sql keyword.other.sql
        select customer_id, sum(total) as spent from orders group by customer_id
#                           ^^^ meta.embedded.sql support.function.aggregate.sql
#                                                           ^^^^^^^^ meta.embedded.sql keyword.other.DML.sql
    )
    select * from totals where spent > 9000 -- don't "quote" me
#                                      ^^^^ meta.embedded.sql constant.numeric.sql
#                                           ^^ meta.embedded.sql comment.line.double-dash.sql
"""
# <--- string.quoted.multi.python punctuation.definition.string.end.python - meta.embedded.sql
with open("report.sql") as handle:
# <---- keyword.control.flow.python - meta.embedded.sql
#    ^^^^ support.function.builtin.python
    handle.write(REPORT)
#          ^^^^^ meta.function-call.generic.python - meta.embedded.sql

BY_COUNTRY = f"""
#            ^ meta.fstring.python storage.type.string.python
#             ^^^ meta.fstring.python punctuation.definition.string.begin.python
    SELECT country, count(*) FROM {table} WHERE country = '{country}'
#   ^^^^^^ meta.fstring.python meta.embedded.sql keyword.other.DML.sql
#                                 ^ meta.fstring.python meta.embedded.sql constant.character.format.placeholder.other.python
#                                  ^^^^^ meta.embedded.sql - keyword
#                                                         ^^^^^^^^^^^ meta.embedded.sql string.quoted.single.sql
"""
TEMPLATE = r'''DELETE FROM staging WHERE loaded_at < now() - interval '7 days' '''
#          ^ string.regexp.quoted.multi.python storage.type.string.python - meta.embedded.sql
#              ^^^^^^ meta.embedded.sql keyword.other.DML.sql
#                                                                              ^^^ string.regexp.quoted.multi.python punctuation.definition.string.end.python - meta.embedded.sql

def revenue(cursor):
    """Select the best customers. A docstring, not SQL."""
#   ^^^ string.quoted.docstring.multi.python punctuation.definition.string.begin.python
#      ^^^^^^ string.quoted.docstring.multi.python - meta.embedded.sql keyword.other.DML.sql
    note = """
    Report on the customers above, then update the totals.
#   ^^^^^^ string.quoted.multi.python - meta.embedded.sql
#                                       ^^^^^^ string.quoted.multi.python - meta.embedded.sql keyword.other.DML.sql
    """
#   ^^^ string.quoted.multi.python punctuation.definition.string.end.python
    cursor.execute('select * from customers where id = %s', (1,))
#          ^^^^^^^ meta.function-call.generic.python
#                  ^ string.quoted.single.python punctuation.definition.string.begin.python - meta.embedded.sql
#                   ^^^^^^ string.quoted.single.python meta.embedded.sql keyword.other.DML.sql
#                                                      ^^ meta.embedded.sql constant.character.format.placeholder.other.python
#                                                        ^ string.quoted.single.python punctuation.definition.string.end.python - meta.embedded.sql
#                                                         ^ meta.function-call.arguments.python punctuation.separator.arguments.python - string
#                                                            ^ meta.function-call.arguments.python constant.numeric.dec.python - meta.embedded.sql
    frame = pd.read_sql("""
#              ^^^^^^^^ meta.function-call.generic.python
#                       ^^^ string.quoted.multi.python punctuation.definition.string.begin.python
        select c.name, b.spent
#       ^^^^^^ string.quoted.multi.python meta.embedded.sql keyword.other.DML.sql
          from big b join customers c on c.id = b.customer_id
#                    ^^^^ meta.embedded.sql keyword.other.DML.sql
    """, conn)
#   ^^^ string.quoted.multi.python punctuation.definition.string.end.python - meta.embedded.sql
#        ^^^^ meta.function-call.arguments.python - string meta.embedded.sql
#            ^ punctuation.definition.arguments.end.python
    cursor.executemany(
        "insert into orders (id, total) values (%s, %s)",
#       ^ string.quoted.single.python punctuation.definition.string.begin.python
#        ^^^^^^^^^^^ meta.embedded.sql keyword.other.DML.sql
#                                       ^^^^^^ meta.embedded.sql keyword.other.DML.II.sql
        rows,
#       ^^^^ meta.function-call.arguments.python - string meta.embedded.sql
    )
    cursor.execute(f"update orders set total = {total} where id = {order_id}")
#                  ^ meta.fstring.python storage.type.string.python
#                    ^^^^^^ meta.fstring.python meta.embedded.sql keyword.other.DML.sql
#                                              ^ meta.embedded.sql constant.character.format.placeholder.other.python
    cursor.execute("set search_path to lab")
#                   ^^^ meta.embedded.sql keyword.other.DML.sql
    cursor.execute(query, params)
#                  ^^^^^ meta.function-call.arguments.python - meta.embedded.sql string
    print("select 1 is just text here")
#          ^^^^^^ string.quoted.single.python - meta.embedded.sql
    broken = """select 'unclosed from t"""
#               ^^^^^^ meta.embedded.sql keyword.other.DML.sql
#                                      ^^^ string.quoted.multi.python punctuation.definition.string.end.python - meta.embedded.sql
    return cursor.fetchall()
#   ^^^^^^ keyword.control.flow.python - meta.embedded.sql string
#                 ^^^^^^^^ meta.function-call.generic.python
