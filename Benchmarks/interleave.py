#!/usr/bin/env python3
"""interleave.py [--rounds N] [--warmup N] [--prepare CMD] [--cwd DIR] [--stdin FILE]
                 [--env NAME=VALUE]... [--name NAME... --export FILE] CMD...

Times commands round by round, each round running every CMD once in turn, and prints
each one's median wall time and its ratio to the last CMD (the peer). On a shared
machine whose speed drifts by 5-15 % over minutes, hyperfine's one block of runs per
command carries that drift into the ratio; interleaved, every command sees the same
drift. Each CMD is split like a shell word list and run without a shell; --stdin is
reopened for every run; --prepare runs through the shell before each run, untimed
(to start every `measure` from an empty store). The first --warmup rounds (three)
warm the page cache and are not counted. A run that exits non-zero stops it, with
that run's standard error: a failing command is fast, and its time meaningless.
--export appends a `NAME|median seconds` line per CMD to FILE, NAME from the --name
given in the same place (one per CMD, required with --export).

Examples (two builds of the hook against git; two builds measuring an image cold):
  Benchmarks/interleave.py --rounds 150 --cwd "$REPO" --stdin "$INPUT" \\
    --env SIZEBUDGET_STORE="$STORE" "old/sizebudget hook pre-push origin x" \\
    "new/sizebudget hook pre-push origin x" "git rev-list $OLD..$TIP"
  Benchmarks/interleave.py --rounds 5 --warmup 1 --prepare "rm -f /tmp/s.sqlite*" \\
    "old/sizebudget measure --image big --store /tmp/s.sqlite oci:big.oci" \\
    "new/sizebudget measure --image big --store /tmp/s.sqlite oci:big.oci"
"""
import argparse
import os
import shlex
import statistics
import subprocess
import sys
import time

WARMUP = 3


def stop(what: str, completed: subprocess.CompletedProcess) -> None:
    """Ends the timing: a failing command is fast, and its time meaningless."""
    sys.exit(f"interleave.py: {what} exited {completed.returncode}:\n"
             + completed.stderr.decode(errors="replace")[-2000:])


def main() -> None:
    parser = argparse.ArgumentParser(description="Times commands round by round.")
    parser.add_argument("--rounds", type=int, default=100, help="counted rounds (at least 1)")
    parser.add_argument("--warmup", type=int, default=WARMUP, help="rounds run first, not counted")
    parser.add_argument("--prepare", help="a shell command run before each run, untimed")
    parser.add_argument("--cwd")
    parser.add_argument("--stdin", default=os.devnull)
    parser.add_argument("--env", action="append", default=[], metavar="NAME=VALUE")
    parser.add_argument("--name", action="append", default=[], help="a name per CMD, in order, for --export")
    parser.add_argument("--export", metavar="FILE", help="append NAME|median seconds lines")
    parser.add_argument("commands", nargs="+", metavar="CMD")
    options = parser.parse_args()
    if options.rounds < 1 or options.warmup < 0:
        parser.error("--rounds must be at least 1, --warmup at least 0")
    if options.name and len(options.name) != len(options.commands):
        parser.error("--name takes one name per CMD")
    if bool(options.name) != bool(options.export):
        parser.error("--name and --export go together")
    if any("|" in name or "\n" in name for name in options.name):
        parser.error("a --name cannot hold | or a line break (the --export format)")
    if any("=" not in pair for pair in options.env):
        parser.error("--env takes NAME=VALUE")
    env = dict(os.environ, **dict(pair.split("=", 1) for pair in options.env))
    argvs = [shlex.split(command) for command in options.commands]
    times: list[list[float]] = [[] for _ in argvs]
    for round_index in range(options.rounds + options.warmup):
        for index, argv in enumerate(argvs):
            if options.prepare:
                prepared = subprocess.run(options.prepare, shell=True, cwd=options.cwd, env=env,
                                          stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                          stderr=subprocess.PIPE, check=False)
                if prepared.returncode != 0:
                    stop(f"--prepare `{options.prepare}`", prepared)
            with open(options.stdin, "rb") as stdin:
                start = time.perf_counter()
                run = subprocess.run(argv, cwd=options.cwd, env=env, stdin=stdin,
                                     stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, check=False)
                elapsed = time.perf_counter() - start
            if run.returncode != 0:
                stop(f"`{options.commands[index]}`", run)
            if round_index >= options.warmup:
                times[index].append(elapsed)
    peer = statistics.median(times[-1])
    # One unit for the table, the peer's: milliseconds below a second, seconds from it.
    scale, unit = (1000, "ms") if peer < 1 else (1, "s ")
    for command, samples in zip(options.commands, times):
        median = statistics.median(samples)
        print(f"{median * scale:8.2f} {unit}  {median / peer:5.2f}x  {command}")
    print(f"(medians of {options.rounds} interleaved rounds; ratios to the last command)")
    if options.export:
        with open(options.export, "a") as export:
            for name, samples in zip(options.name, times):
                export.write(f"{name}|{statistics.median(samples)}\n")


if __name__ == "__main__":
    main()
