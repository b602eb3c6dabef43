"""What an item table shows of its scope: a filter (status, light, reported, role, changed) and an order."""

from __future__ import annotations

from dataclasses import dataclass, fields, replace

from ..domain.queries import Scope
from ..domain.reporting import ROUND_ORDER, SORTS
from ..domain.vocab import word
from ..i18n import t

# The order `o` steps through, from the table's own (list order, or the liaison's round order).
ORDER_CYCLE = SORTS


@dataclass(frozen=True)
class ItemView:
    """A filter and an order over an item table's scope; every field None is no filter."""

    status: str | None = None
    light: str | None = None
    reported: bool | None = None
    role: str | None = None  # "lead" | "co": the unit's role, in a unit's tables only
    changed: bool | None = None  # since the previous round
    order: str = "list"  # reporting.SORTS or ROUND_ORDER

    def but(self, **changes) -> ItemView:
        return replace(self, **changes)

    @property
    def filtered(self) -> bool:
        return any(getattr(self, f.name) is not None for f in fields(self) if f.name != "order")

    def cleared(self) -> ItemView:
        """The same order, no filter."""
        return ItemView(order=self.order)

    def scope(self, base: Scope) -> Scope:
        """``base`` narrowed by this filter (the role only where ``base`` is a unit's)."""
        role = self.role if base.unit is not None else None
        return base.but(status=self.status or base.status, light=self.light or base.light,
                        reported=self.reported, changed=self.changed, unit_role=role or base.unit_role)

    def next_order(self, home: str) -> str:
        """The order after this one in the cycle that starts at the table's own order ``home``."""
        cycle = [home] + [o for o in ORDER_CYCLE if o != home]
        return cycle[(cycle.index(self.order) + 1) % len(cycle)] if self.order in cycle else home

    def words(self, home: str) -> str:
        """The filter and a non-default order in words: 筛选: 红灯 · 未报送   排序: 进度 ('' when neither)."""
        parts = []
        if self.status:
            parts.append(word("status", self.status))
        if self.light:
            parts.append(t("view.light", light=word("light", self.light)))
        if self.reported is not None:
            parts.append(t("view.reported" if self.reported else "view.not_reported"))
        if self.role:
            parts.append(t("view.role", role=word("role", self.role)))
        if self.changed is not None:
            parts.append(t("view.changed" if self.changed else "view.unchanged"))
        out = t("view.filter", parts=" · ".join(parts)) if parts else ""
        if self.order != home:
            out += ("   " if out else "") + t("view.order", order=order_word(self.order))
        return out


def order_word(order: str) -> str:
    return t(f"view.order.{order}")


__all__ = ["ROUND_ORDER", "ItemView", "order_word"]
