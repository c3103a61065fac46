#!/usr/bin/env python3
"""Runs a command in a pseudo-terminal and answers its prompts, for `npm login`/`npm adduser`,
which only ask for a username and password on a terminal.

Reads JSON from stdin: {"argv": [...], "cwd": "...", "env": {...}, "answers": [["Username:", "alice"], ...],
"timeout": 60}. Copies everything the command printed to stdout and exits with its exit code."""
import json, os, pty, re, select, sys, time

spec = json.load(sys.stdin)
answers = list(spec.get("answers", []))
deadline = time.time() + spec.get("timeout", 60)

pid, fd = pty.fork()
if pid == 0:
    os.chdir(spec.get("cwd", "."))
    os.execvpe(spec["argv"][0], spec["argv"], spec.get("env", dict(os.environ)))

output = b""
pending = b""
status = None
while True:
    if time.time() > deadline:
        os.kill(pid, 9)
        sys.stdout.write(output.decode("utf-8", "replace") + "\n[pty-run: timed out]\n")
        sys.exit(124)
    ready, _, _ = select.select([fd], [], [], 0.1)
    if ready:
        try:
            chunk = os.read(fd, 4096)
        except OSError:
            chunk = b""
        if not chunk:
            break
        output += chunk
        pending += chunk
        if answers and re.search(answers[0][0].encode(), pending):
            time.sleep(0.05)
            os.write(fd, answers[0][1].encode() + b"\r")
            answers.pop(0)
            pending = b""
    else:
        done, st = os.waitpid(pid, os.WNOHANG)
        if done:
            status = st
            break
if status is None:
    _, status = os.waitpid(pid, 0)
sys.stdout.write(output.decode("utf-8", "replace"))
sys.exit(os.waitstatus_to_exitcode(status))
