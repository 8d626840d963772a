#!/usr/bin/env python3
"""Exit 0 when kata's report says an exercise passed: for one GitHub
Classroom autograding step per exercise (see .github/workflows/kata-student.yml).

    python3 scripts/kata-points.py report/report.json ex01
"""
import json
import sys

report = json.load(open(sys.argv[1]))
wanted = sys.argv[2]
for student in report["students"]:
    for cell in student["exercises"]:
        if cell["id"] == wanted:
            print(f"{wanted}: {cell['status']}, {cell['points']} points")
            sys.exit(0 if cell["status"] in ("passed", "inconclusive") else 1)
print(f"{wanted} is not in {sys.argv[1]}")
sys.exit(1)
