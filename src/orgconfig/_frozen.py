"""A dict that cannot change: the mappings orgconfig's immutable objects hand out."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, NoReturn, TypeVar

__all__ = ["FrozenDict", "deep_freeze"]

_K = TypeVar("_K")
_V = TypeVar("_V")


class FrozenDict(dict[_K, _V]):
    """A read-only ``dict``: hashable by content, equal to any mapping with the same items.

    Being a real ``dict`` it serialises with :func:`json.dumps`, pickles, and works wherever a
    dict is expected; every method that would change it raises :class:`TypeError`.
    """

    __slots__ = ("_filled", "_hash")

    def __init__(
        self, data: Mapping[_K, _V] | Iterable[tuple[_K, _V]] = (), /, **kwargs: _V
    ) -> None:
        if getattr(self, "_filled", False):  # __init__ called again on a built one
            self._refuse()
        super().__init__(data, **kwargs)
        self._hash: int | None = None
        self._filled = True

    def _refuse(self, *_: object, **__: object) -> NoReturn:
        raise TypeError(f"{type(self).__name__} is read-only")

    def __setitem__(self, key: _K, value: _V) -> NoReturn:
        self._refuse()

    def __delitem__(self, key: _K) -> NoReturn:
        self._refuse()

    def __ior__(self, other: Any) -> NoReturn:
        self._refuse()

    def clear(self) -> NoReturn:
        """Refuse: a FrozenDict does not change."""
        self._refuse()

    def pop(self, *args: Any) -> NoReturn:
        """Refuse: a FrozenDict does not change."""
        self._refuse()

    def popitem(self) -> NoReturn:
        """Refuse: a FrozenDict does not change."""
        self._refuse()

    def setdefault(self, *args: Any) -> NoReturn:
        """Refuse: a FrozenDict does not change."""
        self._refuse()

    def update(self, *args: Any, **kwargs: Any) -> NoReturn:
        """Refuse: a FrozenDict does not change."""
        self._refuse()

    def copy(self) -> FrozenDict[_K, _V]:
        """Return this FrozenDict itself: a read-only mapping needs no copy."""
        return self

    def __copy__(self) -> FrozenDict[_K, _V]:
        return self

    def __deepcopy__(self, memo: dict[int, Any]) -> FrozenDict[_K, _V]:
        import copy  # noqa: PLC0415  (rarely needed)

        return type(self)({copy.deepcopy(k, memo): copy.deepcopy(v, memo) for k, v in self.items()})

    def __or__(self, other: Any) -> FrozenDict[Any, Any]:
        if not isinstance(other, Mapping):
            return NotImplemented
        return FrozenDict({**self, **other})

    def __ror__(self, other: Any) -> FrozenDict[Any, Any]:
        if not isinstance(other, Mapping):
            return NotImplemented
        return FrozenDict({**other, **self})

    @classmethod
    def fromkeys(cls, keys: Iterable[Any], value: Any = None, /) -> FrozenDict[Any, Any]:
        """Return a FrozenDict of ``keys``, each mapped to ``value``."""
        return cls(dict.fromkeys(keys, value))

    def __hash__(self) -> int:  # type: ignore[override]  # dict is unhashable; this one is not
        if self._hash is None:
            self._hash = hash(frozenset(self.items()))
        return self._hash

    def __reduce__(self) -> tuple[Any, ...]:
        # pickle would otherwise rebuild a dict subclass item by item, through __setitem__.
        return (type(self), (dict(self),))

    def __repr__(self) -> str:
        return dict.__repr__(self)


def deep_freeze(value: Any) -> Any:
    """Return ``value`` with every dict made a FrozenDict and every list a tuple, recursively."""
    if isinstance(value, Mapping):
        return FrozenDict({k: deep_freeze(v) for k, v in value.items()})
    if isinstance(value, list | tuple):
        return tuple(deep_freeze(v) for v in value)
    return value
