"""`supervise-tui selfcheck`: the install works, shown one line per step in the user's language."""

from __future__ import annotations

from argparse import Namespace

from ..errors import SuperviseError, describe
from ..i18n import t
from ..textsafe import one_line


def cmd_selfcheck(args: Namespace) -> None:
    from ..domain.selfcheck import run_selfcheck
    from ..locations import bundled_tasklist

    for step in run_selfcheck(bundled_tasklist()):
        mark = t("selfcheck.mark.ok" if step.ok else "selfcheck.mark.failed")
        detail = t(f"selfcheck.done.{step.name}", **step.values) if step.error is None else describe(step.error)
        print(t("selfcheck.line", mark=mark, step=t(f"selfcheck.step.{step.name}"), detail=one_line(detail)),
              flush=True)
        if not step.ok:
            raise SuperviseError("error.selfcheck.failed", step=t(f"selfcheck.step.{step.name}"))
    print(t("selfcheck.passed"))
