// HeatGridKit is the library product: the jobs below plus the modules they are built from, so a user of the
// package (the CLI, the benchmarks) imports one name.
@_exported import Aggregate
@_exported import AtomicOutput
@_exported import GeoCore
@_exported import GeoJSON
@_exported import Grid
@_exported import ImageBridge
@_exported import Incidents
@_exported import Neighbours
@_exported import Patrol
@_exported import Projection
@_exported import Render
@_exported import SpatialIndex
@_exported import Stats
