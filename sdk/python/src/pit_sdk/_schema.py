"""EVENT_SCHEMA.json compiled into a validator with the server's codes, pointers and messages.

A port of the C# SDK's ``Schema/*`` (SchemaNode, EventSchemaValidator, StorableText, Rfc3339). It implements the
keywords the schema uses: type, enum, required, properties, additionalProperties=false, pattern, minLength, maxLength,
minimum, maximum, format=date-time, oneOf and local $ref. Any other keyword fails compilation, so the schema cannot
outgrow the validator silently.
"""

from __future__ import annotations

import json
import math
import re
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from importlib import resources
from typing import Any
from collections.abc import Callable

from .errors import ERR_UNKNOWN_EVENT_TYPE, ERR_VALIDATION
from .results import EventError

_INT64_MIN = -(2**63)
_INT64_MAX = 2**63 - 1
_ANNOTATIONS = frozenset({"$schema", "$id", "$comment", "title", "description", "examples", "default", "definitions"})
_SURROGATE = re.compile("[\ud800-\udfff]")


def _escape(token: str) -> str:
    return token.replace("~", "~0").replace("/", "~1")


class _Path:
    """Where validation is: a base pointer plus member names, made into a pointer only for an error."""

    __slots__ = ("base", "tokens")

    def __init__(self, base: str) -> None:
        self.base = base
        self.tokens: list[str] = []

    @property
    def pointer(self) -> str:
        if not self.tokens:
            return self.base
        return self.base + "/" + "/".join(_escape(t) for t in self.tokens)

    def child(self, token: str) -> str:
        return self.pointer + "/" + _escape(token)

    @property
    def name(self) -> str:
        return f"'{self.tokens[-1]}'" if self.tokens else "the value"


def _json_kind(value: Any) -> str | None:
    """The JSON kind of a Python value as json.dumps writes it; None for what it cannot write."""
    if isinstance(value, str):
        return "string"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, dict):
        return "object"
    if isinstance(value, (list, tuple)):
        return "array"
    if value is None:
        return "null"
    return None


def _is_of_type(value: Any, type_name: str) -> bool:
    if type_name == "integer":
        # What System.Text.Json's TryGetInt64 reads: a whole number written without a fraction or exponent, in 64 bits.
        return isinstance(value, int) and not isinstance(value, bool) and _INT64_MIN <= value <= _INT64_MAX
    return _json_kind(value) == type_name


def _code_points(text: str) -> int:
    """Length in code points, a UTF-16 pair given as two surrogates counting as one (as on the server)."""
    if not _SURROGATE.search(text):
        return len(text)
    count = 0
    i = 0
    while i < len(text):
        if "\ud800" <= text[i] <= "\udbff" and i + 1 < len(text) and "\udc00" <= text[i + 1] <= "\udfff":
            i += 1
        i += 1
        count += 1
    return count


class _Node:
    """One compiled (sub)schema."""

    __slots__ = (
        "types",
        "enum",
        "required",
        "properties",
        "additional_forbidden",
        "pattern",
        "pattern_text",
        "min_length",
        "max_length",
        "minimum",
        "maximum",
        "date_time",
        "one_of",
        "reference",
        "by_type",
        "type_message",
    )

    def __init__(self) -> None:
        self.types: tuple[str, ...] | None = None
        self.enum: tuple[str, ...] | None = None
        self.required: tuple[str, ...] | None = None
        self.properties: dict[str, _Node] | None = None
        self.additional_forbidden = False
        self.pattern: re.Pattern[str] | None = None
        self.pattern_text: str | None = None
        self.min_length: int | None = None
        self.max_length: int | None = None
        self.minimum: int | Decimal | None = None
        self.maximum: int | Decimal | None = None
        self.date_time = False
        self.one_of: tuple[_Node, ...] | None = None
        self.reference: _Node | None = None
        self.by_type: dict[str, _Node] | None = None
        self.type_message = ""

    @property
    def resolved(self) -> _Node:
        return self.reference.resolved if self.reference is not None else self

    def discriminate(self) -> None:
        """When every oneOf branch requires "type" with one enum value, the instance's type picks the branch."""
        if self.one_of is None:
            return
        by_type: dict[str, _Node] = {}
        for branch in (b.resolved for b in self.one_of):
            type_node = branch.properties.get("type") if branch.properties else None
            values = type_node.resolved.enum if type_node is not None else None
            if not branch.required or "type" not in branch.required or not values or len(values) != 1:
                return
            if values[0] in by_type:
                return
            by_type[values[0]] = branch
        self.by_type = by_type

    def validate(self, value: Any, path: _Path, errors: list[EventError]) -> None:
        if self.reference is not None:
            self.reference.validate(value, path, errors)
            return
        if self.types is not None and not any(_is_of_type(value, t) for t in self.types):
            errors.append(EventError(ERR_VALIDATION, f"{path.name} must be {self.type_message}", path.pointer))
            return
        if self.enum is not None and not (isinstance(value, str) and value in self.enum):
            errors.append(
                EventError(ERR_VALIDATION, f"{path.name} must be one of {', '.join(self.enum)}", path.pointer)
            )
        if isinstance(value, str):
            self._validate_string(value, path, errors)
        elif isinstance(value, (int, float)) and not isinstance(value, bool):
            self._validate_number(value, path, errors)
        elif isinstance(value, dict):
            self._validate_object(value, path, errors)
        if self.one_of is not None:
            self._validate_one_of(value, path, errors)

    def _validate_string(self, text: str, path: _Path, errors: list[EventError]) -> None:
        if self.min_length is not None or self.max_length is not None:
            length = _code_points(text)
            if self.min_length is not None and length < self.min_length:
                errors.append(
                    EventError(
                        ERR_VALIDATION, f"{path.name} must be at least {self.min_length} characters", path.pointer
                    )
                )
            if self.max_length is not None and length > self.max_length:
                errors.append(
                    EventError(
                        ERR_VALIDATION, f"{path.name} must be at most {self.max_length} characters", path.pointer
                    )
                )
        if self.pattern is not None and not self.pattern.search(text):
            errors.append(EventError(ERR_VALIDATION, f"{path.name} must match {self.pattern_text}", path.pointer))
        if self.date_time and not is_rfc3339(text):
            errors.append(
                EventError(ERR_VALIDATION, f"{path.name} must be an RFC 3339 date-time with a time zone", path.pointer)
            )

    def _validate_number(self, number: int | float, path: _Path, errors: list[EventError]) -> None:
        if self.minimum is None and self.maximum is None:
            return
        value: int | Decimal
        if isinstance(number, int):
            value = number
        else:
            # System.Text.Json's TryGetDecimal: a finite number within decimal's range (about 7.9e28).
            if not math.isfinite(number) or abs(number) >= 7.9228162514264337593543950335e28:
                errors.append(EventError(ERR_VALIDATION, f"{path.name} is out of range", path.pointer))
                return
            try:
                value = Decimal(repr(number))
            except InvalidOperation:
                errors.append(EventError(ERR_VALIDATION, f"{path.name} is out of range", path.pointer))
                return
        if self.minimum is not None and value < self.minimum:
            errors.append(EventError(ERR_VALIDATION, f"{path.name} must be at least {self.minimum}", path.pointer))
        if self.maximum is not None and value > self.maximum:
            errors.append(EventError(ERR_VALIDATION, f"{path.name} must be at most {self.maximum}", path.pointer))

    def _validate_object(self, instance: dict[Any, Any], path: _Path, errors: list[EventError]) -> None:
        if self.required:
            for name in self.required:
                if name not in instance:
                    errors.append(EventError(ERR_VALIDATION, f"'{name}' is required", path.child(name)))
        known = 0
        if self.properties:
            for name, schema in self.properties.items():
                if name not in instance:
                    continue
                known += 1
                path.tokens.append(name)
                schema.validate(instance[name], path, errors)
                path.tokens.pop()
        if not self.additional_forbidden or len(instance) == known:
            return
        for key in instance:
            name = key if isinstance(key, str) else json.dumps(key)
            if self.properties is None or name not in self.properties:
                errors.append(EventError(ERR_VALIDATION, f"'{name}' is not allowed", path.child(name)))

    def _validate_one_of(self, value: Any, path: _Path, errors: list[EventError]) -> None:
        assert self.one_of is not None
        pointer = path.pointer
        type_name = value.get("type") if isinstance(value, dict) else None
        if not isinstance(type_name, str):
            type_name = None
        if self.by_type is not None and type_name is not None and type_name in self.by_type:
            self.by_type[type_name].validate(value, path, errors)
            return
        valid = 0
        for branch in self.one_of:
            branch_errors: list[EventError] = []
            branch.validate(value, path, branch_errors)
            if not branch_errors:
                valid += 1
        if valid == 1:
            return
        if valid > 1:
            errors.append(EventError(ERR_VALIDATION, f"{path.name} matches more than one definition", pointer))
        elif not isinstance(value, dict):
            errors.append(EventError(ERR_VALIDATION, f"{path.name} must be an object", pointer))
        elif "type" not in value:
            errors.append(EventError(ERR_VALIDATION, "'type' is required", f"{pointer}/type"))
        else:
            shown = type_name if type_name is not None else _raw_text(value["type"])
            errors.append(
                EventError(ERR_UNKNOWN_EVENT_TYPE, f"'{shown}' is not an accepted event type", f"{pointer}/type")
            )


def _raw_text(value: Any) -> str:
    """A value as JSON text (the server quotes the member's raw JSON, which json.loads does not keep)."""
    if isinstance(value, float) and not math.isfinite(value):
        # No JSON text is infinite; json.loads makes inf of a number beyond a double, which 1e400 is the shortest of.
        return "NaN" if math.isnan(value) else "1e400" if value > 0 else "-1e400"
    try:
        return json.dumps(value, separators=(",", ":"), ensure_ascii=False)
    except (TypeError, ValueError):
        return repr(value)


def _type_message(types: tuple[str, ...]) -> str:
    return " or ".join(f"an {t}" if t in ("object", "integer", "array") else f"a {t}" for t in types)


class EventSchemaValidator:
    """The compiled schema. Thread-safe: validation keeps its state on the stack."""

    def __init__(self, document: dict[str, Any]) -> None:
        self._document = document
        self._by_reference: dict[str, _Node] = {}
        self._root = self._compile(document, "#")
        self._root.discriminate()
        self._is_valid = _checker(self._root)

    def validate(self, event: Any, pointer: str = "") -> list[EventError]:
        """Every way ``event`` breaks the schema, pointers under ``pointer``; empty when it is valid.

        As on the server, an event holding an unpaired surrogate anywhere gets only those errors.
        """
        errors = find_unstorable_text(event, pointer)
        if errors:
            return errors
        self._root.validate(event, _Path(pointer), errors)
        return errors

    def validate_storable(self, event: Any, pointer: str = "") -> list[EventError]:
        """``validate`` for an event already known to hold no surrogate (it was encoded as UTF-8)."""
        if self._is_valid(event):
            return []
        errors: list[EventError] = []
        self._root.validate(event, _Path(pointer), errors)
        return errors

    def _compile(self, schema: Any, path: str) -> _Node:
        if not isinstance(schema, dict):
            raise _unsupported(path, "a schema that is not an object")
        node = _Node()
        for keyword, value in schema.items():
            if keyword == "$ref":
                node.reference = self._resolve(value)
            elif keyword == "type":
                node.types = tuple(value) if isinstance(value, list) else (value,)
                node.type_message = _type_message(node.types)
            elif keyword == "enum":
                if not all(isinstance(v, str) for v in value):
                    raise _unsupported(path, "enum values other than strings")
                node.enum = tuple(value)
            elif keyword == "required":
                node.required = tuple(value)
            elif keyword == "properties":
                node.properties = {name: self._compile(sub, f"{path}/properties/{name}") for name, sub in value.items()}
            elif keyword == "additionalProperties":
                if value is not False:
                    raise _unsupported(path, "additionalProperties other than false")
                node.additional_forbidden = True
            elif keyword == "pattern":
                node.pattern_text = value
                # ECMA 262's final '$' matches only at the very end; Python's also before a trailing newline.
                text = value[:-1] + r"\Z" if value.endswith("$") and not value.endswith("\\$") else value
                node.pattern = re.compile(text)
            elif keyword == "minLength":
                node.min_length = int(value)
            elif keyword == "maxLength":
                node.max_length = int(value)
            elif keyword == "minimum":
                node.minimum = value if isinstance(value, int) else Decimal(repr(value))
            elif keyword == "maximum":
                node.maximum = value if isinstance(value, int) else Decimal(repr(value))
            elif keyword == "format":
                if value != "date-time":
                    raise _unsupported(path, f"format {value}")
                node.date_time = True
            elif keyword == "oneOf":
                node.one_of = tuple(self._compile(b, f"{path}/oneOf/{i}") for i, b in enumerate(value))
            elif keyword not in _ANNOTATIONS:
                raise _unsupported(path, f"the keyword '{keyword}'")
        return node

    def _resolve(self, reference: str) -> _Node:
        known = self._by_reference.get(reference)
        if known is not None:
            return known
        if not reference.startswith("#/"):
            raise _unsupported(reference, "references outside the document")
        target: Any = self._document
        for token in reference[2:].split("/"):
            key = token.replace("~1", "/").replace("~0", "~")
            if not isinstance(target, dict) or key not in target:
                raise ValueError(f"event schema: {reference} does not resolve")
            target = target[key]
        # The event schema has no recursive references, so compiling on first use terminates.
        node = self._compile(target, reference)
        self._by_reference[reference] = node
        return node


# --- the fast path ------------------------------------------------------------------------------------------------
# The sender validates every event; most are valid. A node compiled into a closure that only answers "valid?" skips
# the pointers, messages and lists, about 4 times faster; the full validator runs only for an event it refuses. It
# may refuse a valid event (then the full validator finds no error), never the reverse.

_Check = Callable[[Any], bool]


def _checker(node: _Node) -> _Check:
    if node.reference is not None:
        return _checker(node.reference)
    type_ok = _type_predicate(node.types)
    enum = frozenset(node.enum) if node.enum is not None else None
    string = _string_checker(node)
    low, high = node.minimum, node.maximum
    bounded = low is not None or high is not None
    obj = _object_checker(node) if node.required or node.properties or node.additional_forbidden else None
    one_of = _one_of_checker(node) if node.one_of is not None else None

    def check(v: Any) -> bool:
        if type_ok is not None and not type_ok(v):
            return False
        if enum is not None and (type(v) is not str or v not in enum):
            return False
        t = type(v)
        if t is str:
            if string is not None and not string(v):
                return False
        elif t is int:
            if bounded and ((low is not None and v < low) or (high is not None and v > high)):
                return False
        elif t is dict:
            if obj is not None and not obj(v):
                return False
        elif t is float:
            if bounded:
                return False  # the full validator decides (fractions, out of range)
        elif t is not bool and t is not list and t is not tuple and v is not None:
            return False  # a subclass or a type JSON does not know: the full validator decides
        return one_of is None or one_of(v)

    return check


_PREDICATES: dict[str, _Check] = {
    "string": lambda v: type(v) is str,
    "integer": lambda v: type(v) is int and _INT64_MIN <= v <= _INT64_MAX,
    "number": lambda v: type(v) is int or type(v) is float,
    "object": lambda v: type(v) is dict,
    "array": lambda v: type(v) is list or type(v) is tuple,
    "boolean": lambda v: type(v) is bool,
    "null": lambda v: v is None,
}


def _type_predicate(types: tuple[str, ...] | None) -> _Check | None:
    if types is None:
        return None
    predicates = [_PREDICATES.get(t, lambda v: False) for t in types]
    if len(predicates) == 1:
        return predicates[0]
    return lambda v: any(p(v) for p in predicates)


def _string_checker(node: _Node) -> _Check | None:
    low, high, pattern, date_time = node.min_length, node.max_length, node.pattern, node.date_time
    if low is None and high is None and pattern is None and not date_time:
        return None
    search = pattern.search if pattern is not None else None

    def check(text: str) -> bool:
        # No surrogate here (the event was encoded as UTF-8), so len counts code points.
        if (low is not None and len(text) < low) or (high is not None and len(text) > high):
            return False
        if search is not None and search(text) is None:
            return False
        return not date_time or is_rfc3339(text)

    return check


def _object_checker(node: _Node) -> _Check:
    required = node.required or ()
    properties = [(name, _checker(sub)) for name, sub in (node.properties or {}).items()]
    allowed = frozenset(node.properties or ())
    forbidden = node.additional_forbidden

    def check(value: Any) -> bool:
        if not isinstance(value, dict):
            return True
        for name in required:
            if name not in value:
                return False
        for name, sub in properties:
            if name in value and not sub(value[name]):
                return False
        return not forbidden or allowed.issuperset(value)

    return check


def _one_of_checker(node: _Node) -> _Check:
    assert node.one_of is not None
    branches = [_checker(b) for b in node.one_of]
    by_type = {name: _checker(branch) for name, branch in node.by_type.items()} if node.by_type else None

    def check(value: Any) -> bool:
        if by_type is not None and isinstance(value, dict):
            name = value.get("type")
            branch = by_type.get(name) if type(name) is str else None
            if branch is not None:
                return branch(value)
        return sum(1 for b in branches if b(value)) == 1

    return check


def _unsupported(where: str, what: str) -> NotImplementedError:
    return NotImplementedError(f"event schema: {where} uses {what}, which the SDK's validator does not implement")


@lru_cache(maxsize=1)
def embedded_validator() -> EventSchemaValidator:
    """The validator of the EVENT_SCHEMA.json shipped in this package."""
    text = resources.files(__package__).joinpath("event_schema.json").read_text(encoding="utf-8")
    return EventSchemaValidator(json.loads(text))


# --- text the stores cannot hold ---------------------------------------------------------------------------------


def _unpaired(text: str) -> bool:
    """Whether ``text`` holds a surrogate that is not half of a high-low pair."""
    if not _SURROGATE.search(text):
        return False
    i = 0
    n = len(text)
    while i < n:
        c = text[i]
        if "\ud800" <= c <= "\udbff":
            if i + 1 < n and "\udc00" <= text[i + 1] <= "\udfff":
                i += 2
                continue
            return True
        if "\udc00" <= c <= "\udfff":
            return True
        i += 1
    return False


def find_unstorable_text(value: Any, pointer: str) -> list[EventError]:
    """An error for every string (value or member name) holding an unpaired surrogate, as the server reports them."""
    errors: list[EventError] = []
    _walk(value, pointer, [], errors, 0)
    return errors


def _walk(value: Any, base: str, path: list[str | int], errors: list[EventError], depth: int) -> None:
    if depth > 64:
        return  # deeper than the API takes (32 levels); the schema refuses such an event anyway
    if isinstance(value, str):
        if _unpaired(value):
            _add(base, path, errors, is_name=False)
    elif isinstance(value, (list, tuple)):
        for index, item in enumerate(value):
            path.append(index)
            _walk(item, base, path, errors, depth + 1)
            path.pop()
    elif isinstance(value, dict):
        for key, item in value.items():
            name = key if isinstance(key, str) else str(key)
            path.append(name)
            if _unpaired(name):
                _add(base, path, errors, is_name=True)
            _walk(item, base, path, errors, depth + 1)
            path.pop()


def _add(base: str, path: list[str | int], errors: list[EventError], is_name: bool) -> None:
    name = next((t for t in reversed(path) if isinstance(t, str)), None)
    pointer = base + "".join("/" + (str(t) if isinstance(t, int) else _escape(t)) for t in path)
    who = "a member name" if is_name else "the value" if name is None else f"'{name}'"
    errors.append(EventError(ERR_VALIDATION, f"{who} holds an unpaired UTF-16 surrogate, which is not text", pointer))


# --- RFC 3339 ----------------------------------------------------------------------------------------------------

_DATE_TIME = re.compile(
    r"([0-9]{4})-([0-9]{2})-([0-9]{2})T([0-9]{2}):([0-9]{2}):([0-9]{2})(\.[0-9]{1,9})?(Z|([+-])([0-9]{2}):([0-9]{2}))",
    re.ASCII,
)
_DAYS = (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def is_rfc3339(text: str) -> bool:
    """RFC 3339 date-time as the API takes it: upper-case 'T', optional fraction, mandatory zone ('Z' or an offset),
    an existing day and time, an offset within 14 hours, and a UTC instant within years 1 to 9999 (as .NET's
    DateTimeOffset reads it)."""
    match = _DATE_TIME.fullmatch(text)
    if match is None:
        return False
    year, month, day, hour, minute, second = (int(match.group(i)) for i in range(1, 7))
    if year < 1 or not 1 <= month <= 12 or hour > 23 or minute > 59 or second > 59:
        return False
    leap = year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)
    if not 1 <= day <= (29 if month == 2 and leap else _DAYS[month - 1]):
        return False
    offset = 0
    if match.group(8) != "Z":
        oh, om = int(match.group(10)), int(match.group(11))
        if om > 59 or oh * 60 + om > 14 * 60:
            return False
        offset = (oh * 60 + om) * (1 if match.group(9) == "+" else -1)
    if offset == 0:
        return True
    # The instant in UTC must stay within 0001-01-01 and 9999-12-31.
    minutes = hour * 60 + minute - offset
    if year == 1 and month == 1 and day == 1 and minutes < 0:
        return False
    if year == 9999 and month == 12 and day == 31 and minutes >= 24 * 60:
        return False
    return True
