"""The domain model of a state visit (pydantic v2, immutable)."""

from planner.model.base import Id, Minutes
from planner.model.clock import ClockTime, TimeProblem, WallTime
from planner.model.conventions import (
    OrderConvention,
    Override,
    Strength,
    TimeOfDayConvention,
)
from planner.model.items import CEREMONIES, MEMORIALS, Item, ItemKind, Order, Window
from planner.model.movements import Mode, Service
from planner.model.people import Person, Presence, ProgrammeHours, Role, Side
from planner.model.provenance import Provenance, SourceKind
from planner.model.publication import PressAccess, PublicTime, Tier
from planner.model.tour import Country, TourLeg
from planner.model.travel import Leg, TravelRules
from planner.model.venues import City, Opening, Venue
from planner.model.visit import SCHEMA_VERSION, Organizer, Visit, VisitKind

__all__ = [
    "CEREMONIES",
    "MEMORIALS",
    "SCHEMA_VERSION",
    "City",
    "ClockTime",
    "Country",
    "Id",
    "Item",
    "ItemKind",
    "Leg",
    "Minutes",
    "Mode",
    "Opening",
    "Order",
    "OrderConvention",
    "Organizer",
    "Override",
    "Person",
    "Presence",
    "PressAccess",
    "ProgrammeHours",
    "Provenance",
    "PublicTime",
    "Role",
    "Service",
    "Side",
    "SourceKind",
    "Strength",
    "Tier",
    "TimeOfDayConvention",
    "TimeProblem",
    "TourLeg",
    "TravelRules",
    "Venue",
    "Visit",
    "VisitKind",
    "WallTime",
    "Window",
]
