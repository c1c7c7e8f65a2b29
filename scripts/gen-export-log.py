#!/usr/bin/env python3
"""Writes a synthetic data directory for the export benchmark (run by hand, not by the tests):

    scripts/gen-export-log.py DATA_DIR EVENTS [DEVICES]

About 80 % screenings, 8 % corrections (many read before their screening, as files are read one after another) and
12 % follow-ups, spread over DEVICES files (default 4) with a valid hash chain, so `konflikt verify`
passes. Answers are random but valid-looking; CPR numbers are fake. Deterministic (seed 1).
"""
import hashlib, json, random, sys, uuid, os

data, total = sys.argv[1], int(sys.argv[2])
devices = int(sys.argv[3]) if len(sys.argv) > 3 else 4
random.seed(1)
os.makedirs(data, mode=0o700, exist_ok=True)
fp = "f" * 64
levels = ["lavt", "lavt", "lavt", "middel", "hoejt", "vil_ikke_svare"]

def answers():
    day = random.randrange(0, 1000)
    y, rest = divmod(day, 365)
    m, d = min(rest // 30 + 1, 12), rest % 28 + 1
    a = {"besoeg": random.choice(["2mdr", "8mdr"]), "besoegsdato": "%04d-%02d-%02d" % (2024 + y, m, d),
         "barn_cpr": "%02d%02d%02d-%04d" % (d, m, y + 24, random.randrange(10000)), "sundhedsplejerske": "AB",
         "deltagere": ["mor", "far"], "informeret": random.random() < 0.9, "konfliktniveau": random.choice(levels),
         "bekymring_trivsel": "nej", "barn_udsat": "nej", "note": "Note %d" % random.randrange(10**6)}
    if a["konfliktniveau"] != "lavt":
        a["vold_mellem_foraeldre"] = random.choice(["nej", "nej", "ja", "ved_ikke"])
    if a["konfliktniveau"] == "hoejt" or a.get("vold_mellem_foraeldre") == "ja":
        a["interesse_gruppeforloeb"] = random.choice(["begge", "en", "nej", "betaenkningstid"])
    actions = ["underretning"] if a.get("vold_mellem_foraeldre") == "ja" else []
    if a.get("interesse_gruppeforloeb") == "begge":
        a["samtykke_kontakt"] = True
        actions.append("gruppeforloeb")
    if not actions:
        actions = ["ingen"]
    decision = {"actions": actions, "flagged": actions != ["ingen"], "form": "konfliktscreening", "formFingerprint": fp,
                "formVersion": 1, "rules": [], "warnings": []}
    return a, decision

class Device:
    def __init__(self, name):
        self.f = open(os.path.join(data, name + ".jsonl"), "wb")
        self.prev, self.seq, self.name = "0" * 64, 0, name
    def write(self, type_, body, ts):
        self.seq += 1
        body_json = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        content = ('{"prev":"%s","seq":%d,"v":1,"id":"%s","ts":"%s","type":"%s","device":"%s","author":"AB","body":%s'
                   % (self.prev, self.seq, uuid.UUID(int=random.getrandbits(128), version=4), ts, type_, self.name, body_json)).encode()
        h = hashlib.sha256(self.prev.encode() + content).hexdigest()
        self.f.write(content + (',"hash":"%s"}\n' % h).encode())
        self.prev = h

devs = [Device("dev%02d" % i) for i in range(devices)]
ids = []
pending = []
for n in range(total):
    dev = devs[n % devices]
    ts = "2026-%02d-%02dT10:%02d:%02d.%03dZ" % (n % 12 + 1, n % 28 + 1, n // 60 % 60, n % 60, n % 1000)
    r = random.random()
    if r < 0.80 or not ids:
        sid = str(uuid.UUID(int=random.getrandbits(128), version=4))
        a, dec = answers()
        body = {"form": "konfliktscreening", "formVersion": 1, "formFingerprint": fp, "answers": a, "decision": dec,
                "visitDate": a["besoegsdato"]}
        # Remember the id in the envelope: rewrite by writing with a fixed id.
        dev.seq += 1
        body_json = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        content = ('{"prev":"%s","seq":%d,"v":1,"id":"%s","ts":"%s","type":"screening","device":"%s","author":"AB","body":%s'
                   % (dev.prev, dev.seq, sid, ts, dev.name, body_json)).encode()
        h = hashlib.sha256(dev.prev.encode() + content).hexdigest()
        dev.f.write(content + (',"hash":"%s"}\n' % h).encode())
        dev.prev = h
        ids.append(sid)
    elif r < 0.88:
        a, dec = answers()
        dev.write("correction", {"screening": random.choice(ids), "answers": a, "decision": dec,
                                 "visitDate": a["besoegsdato"], "reason": "Rettet"}, ts)
    else:
        dev.write("followup", {"screening": random.choice(ids), "action": random.choice(["underretning", "gruppeforloeb"]),
                               "status": random.choice(["udfoert", "afvist", "ikke_relevant"]), "date": "2026-05-01",
                               "note": "Opfølgning"}, ts)
for d in devs:
    d.f.close()
    os.chmod(d.f.name, 0o600)
