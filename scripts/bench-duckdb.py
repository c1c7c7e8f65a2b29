#!/usr/bin/env python3
"""The peer in scripts/bench: DuckDB running konflikt's two read queries on the same log files.

    bench-duckdb.py review DATA_DIR FORM_YAML   # the open flagged cases, as `konflikt review --list --json`
    bench-duckdb.py export DATA_DIR FORM_YAML   # the counts per quarter and visit, as `konflikt export`

The same case rules as konflikt's (CaseRules): the latest correction (timestamp, then id) gives the
answers, decision and override in force; per action the latest follow-up (date, timestamp, id) gives
its status; tracked actions are the override's, else the flagging actions of a flagging decision.
The form (report questions, flagging actions) is read from FORM_YAML. Prints the number of result rows.
Used by the benchmark only, never by the tests or the product (pip install duckdb pyyaml).
"""
import sys

import duckdb
import yaml


def load(con, data):
    con.execute(f"""
        CREATE TEMP TABLE e AS
        SELECT id, ts, type, author, device, body
        FROM read_json('{data}/*.jsonl', format = 'newline_delimited', maximum_object_size = 67108864,
                       columns = {{id: 'VARCHAR', ts: 'VARCHAR', type: 'VARCHAR', author: 'VARCHAR',
                                  device: 'VARCHAR', body: 'JSON'}})""")
    con.execute("""
        CREATE TEMP VIEW cur AS
        WITH s AS (SELECT id, ts, author, device, body FROM e WHERE type = 'screening'),
        c AS (SELECT body ->> '$.screening' AS sid, body,
                     row_number() OVER (PARTITION BY body ->> '$.screening' ORDER BY ts DESC, id DESC) AS rn
              FROM e WHERE type = 'correction'),
        o AS (SELECT body ->> '$.screening' AS sid, body -> '$.override' AS override,
                     row_number() OVER (PARTITION BY body ->> '$.screening' ORDER BY ts DESC, id DESC) AS rn
              FROM e WHERE type = 'correction' AND json_type(body -> '$.override') = 'OBJECT')
        SELECT s.id, s.ts, s.author, s.device, coalesce(c.body, s.body) AS b,
               coalesce(o.override, CASE WHEN json_type(s.body -> '$.override') = 'OBJECT'
                                         THEN s.body -> '$.override' END) AS override
        FROM s LEFT JOIN c ON c.sid = s.id AND c.rn = 1 LEFT JOIN o ON o.sid = s.id AND o.rn = 1""")
    con.execute("""
        CREATE TEMP VIEW f AS
        SELECT body ->> '$.screening' AS sid, body ->> '$.action' AS action, body ->> '$.status' AS status,
               row_number() OVER (PARTITION BY body ->> '$.screening', body ->> '$.action'
                                  ORDER BY body ->> '$.date' DESC, ts DESC, id DESC) AS rn
        FROM e WHERE type = 'followup'""")


def review(con, flagging):
    listed = ", ".join(f"'{a}'" for a in flagging)
    return con.execute(f"""
        WITH tracked AS (
            SELECT id, unnest(CASE
                WHEN override IS NOT NULL THEN from_json(override -> '$.actions', '["VARCHAR"]')
                WHEN (b ->> '$.decision.flagged')::BOOLEAN
                    THEN list_filter(from_json(b -> '$.decision.actions', '["VARCHAR"]'), lambda x: x IN ({listed}))
                ELSE [] END) AS action
            FROM cur)
        SELECT cur.id, cur.author, cur.device, substr(b ->> '$.answers.barn_cpr', 1, 6) || '-****' AS child,
               b ->> '$.answers.besoeg' AS visit, coalesce(b ->> '$.answers.besoegsdato', b ->> '$.visitDate') AS date,
               list(tracked.action) AS actions, list(coalesce(f.status, 'open')) AS status
        FROM tracked JOIN cur USING (id)
        LEFT JOIN f ON f.sid = tracked.id AND f.action = tracked.action AND f.rn = 1
        GROUP BY ALL
        HAVING bool_or(f.status IS NULL)
        ORDER BY date""").fetchall()


def export(con, questions, actions, flagging):
    columns = ["count(*) AS screeninger"]
    for question, kind, values in questions:
        for value in values:
            if kind == "multichoice":
                expr = f"list_contains(from_json(b -> '$.answers.{question}', '[\"VARCHAR\"]'), '{value}')"
            elif kind == "yesno":
                expr = f"(b ->> '$.answers.{question}') = '{'true' if value == 'ja' else 'false'}'"
            else:
                expr = f"(b ->> '$.answers.{question}') = '{value}'"
            columns.append(f"count(*) FILTER (WHERE {expr})")
    for action in actions:
        columns.append(f"count(*) FILTER (WHERE list_contains(from_json(b -> '$.decision.actions', '[\"VARCHAR\"]'), '{action}'))")
    columns.append("count(*) FILTER (WHERE override IS NOT NULL)")
    for action in flagging:
        columns.append(f"count(*) FILTER (WHERE id IN (SELECT sid FROM f WHERE rn = 1 AND action = '{action}' AND status = 'udfoert'))")
    return con.execute(f"""
        WITH x AS (SELECT *, coalesce(b ->> '$.answers.besoegsdato', b ->> '$.visitDate', substr(ts, 1, 10)) AS day FROM cur)
        SELECT year(day::DATE) || 'K' || quarter(day::DATE) AS period, b ->> '$.answers.besoeg' AS visit,
               {", ".join(columns)}
        FROM x GROUP BY GROUPING SETS ((period, visit), (period)) ORDER BY ALL""").fetchall()


def main():
    mode, data, form_path = sys.argv[1:4]
    with open(form_path, encoding="utf-8") as handle:
        form = yaml.safe_load(handle)
    questions = []
    for step in form["steps"]:
        for question in step["questions"]:
            if question.get("report") and question["id"] != "besoeg":
                kind = question["type"]
                if kind in ("choice", "multichoice"):
                    questions.append((question["id"], kind, [c["id"] for c in question["choices"]]))
                elif kind == "yesno":
                    questions.append((question["id"], kind, ["ja", "nej"]))
    actions = [a["id"] for a in form["actions"]]
    flagging = [a["id"] for a in form["actions"] if a.get("flags")]
    con = duckdb.connect()
    con.execute("SET threads = 2")
    load(con, data)
    rows = review(con, flagging) if mode == "review" else export(con, questions, actions, flagging)
    print(len(rows))


if __name__ == "__main__":
    main()
