// swift-tools-version: 6.1
// HeatGrid: incident hot-spot engine for grid governance.
//
// Modules depend one way, top to bottom:
//   GeoCore ─ geometry value types, JSON values, features
//   AtomicOutput ─ write-to-temporary-then-rename
//   DecimalText ─ decimal digits to the correctly rounded double (shared by the byte-level parsers)
//   Parallel ─ work split over threads (results in index order)
//   ICalendar ─ RFC 5545 calendar files (patrol visits in phone calendars)
//   Digest ─ SHA-256 of inputs and outputs (run manifests)
//   FreshMemory ─ kernel advice for large buffers written for the first time (huge pages, mapping ahead)
//   Projection ─ transverse Mercator (metres for radii and cell sizes)
//   GeoJSON ─ byte-level reader, streaming RFC 7946 writer
//   Incidents ─ incident table, CSV reader with rejects, time formats and zones, sample generator
//   Aggregate ─ counts by cell × category × period as mergeable reductions; category files; period comparison
//   Stats ─ statistics on counts (concentration; spatial weights; Gi*, local Moran, trends, near repeat, scoring)
//   Neighbours ─ spatial weights from polygons and points (queen, rook, distance band, k nearest)
//   SpatialIndex ─ point-in-polygon core
//   Patrol ─ patrol plans by cell and hour of week: risk, dosage value, routes per unit and shift (iterated local
//     search), exact optimum for tiny instances, baselines, beats (uses GeoCore, Stats' spatial weights, Parallel)
//   Render ─ canvas, kernel density, colour maps, outlines
//   Grid ─ generated square/hex grids clipped to boundaries (GEOS through GEOSBridge)
//   GEOSBridge, ImageBridge ─ the only modules touching C: GEOS; libpng, zlib and FreeType (ImageBridge sits above
//     Render: its FontFace is the FreeType GlyphSource behind Render's text drawing)
//   LayerCheck ─ official layer hierarchies (parent links, roll-ups) and their validation report
//   HeatGridKit ─ jobs (demo, assign, grid, convert, check-layer) built from the above
//   JobFile ─ the weekly job's TOML file (TOMLKit kept out of HeatGridKit)
//   heatgrid ─ command line
import PackageDescription

let package = Package(
    name: "HeatGrid",
    products: [
        .library(name: "HeatGridKit", targets: ["HeatGridKit"]),
        .executable(name: "heatgrid", targets: ["heatgrid"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/LebJe/TOMLKit", from: "0.6.0"),
    ],
    targets: [
        .systemLibrary(name: "CGEOS", path: "Sources/CGEOS", pkgConfig: "geos", providers: [.apt(["libgeos-dev"])]),
        .systemLibrary(name: "CPNG", path: "Sources/CPNG", pkgConfig: "libpng16", providers: [.apt(["libpng-dev"])]),
        .systemLibrary(name: "CZlib", path: "Sources/CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
        .systemLibrary(name: "CFreeType", path: "Sources/CFreeType", pkgConfig: "freetype2",
                       providers: [.apt(["libfreetype-dev"])]),

        .target(name: "GeoCore"),
        .target(name: "AtomicOutput"),
        .target(name: "DecimalText"),
        .target(name: "FreshMemory"),
        .target(name: "Parallel"),
        .target(name: "ICalendar"),
        .target(name: "Digest"),
        .target(name: "Projection", dependencies: ["GeoCore", "Parallel"]),
        .target(name: "GeoJSON", dependencies: ["GeoCore", "AtomicOutput", "DecimalText"]),
        .target(name: "Incidents", dependencies: ["GeoCore", "AtomicOutput", "DecimalText", "FreshMemory"]),
        .target(name: "Aggregate", dependencies: ["Incidents", "Parallel", "AtomicOutput", "GeoCore", "GeoJSON", "FreshMemory"]),
        .target(name: "Stats", dependencies: ["Parallel"]),
        .target(name: "Neighbours", dependencies: ["GeoCore", "Projection", "Stats", "Parallel"]),
        .target(name: "SpatialIndex", dependencies: ["GeoCore", "FreshMemory"]),
        .target(name: "Patrol", dependencies: ["GeoCore", "Stats", "Parallel"]),
        .target(name: "Render", dependencies: ["GeoCore", "Projection", "AtomicOutput"]),
        .target(name: "Grid", dependencies: ["GeoCore", "Projection", "GEOSBridge"]),
        .target(name: "GEOSBridge", dependencies: ["GeoCore", "CGEOS"]),
        .target(name: "ImageBridge", dependencies: ["CPNG", "CZlib", "CFreeType", "AtomicOutput", "Render"]),
        .target(name: "LayerCheck", dependencies: ["GeoCore", "Projection", "SpatialIndex", "GEOSBridge"]),
        .target(
            name: "HeatGridKit",
            dependencies: [
                "GeoCore", "AtomicOutput", "FreshMemory", "Projection", "GeoJSON", "Incidents", "Aggregate", "Stats", "Neighbours", "Parallel",
                "Patrol", "ICalendar", "Digest",
                "SpatialIndex", "Render", "Grid", "GEOSBridge", "ImageBridge", "LayerCheck",
            ]
        ),
        // TOMLKit in a module of its own: its conformances of String, Array … to TOMLValueConvertible would otherwise
        // be visible to every file of HeatGridKit and can change how plain expressions type-check.
        .target(name: "JobFile", dependencies: ["HeatGridKit", .product(name: "TOMLKit", package: "TOMLKit")]),
        .executableTarget(
            name: "heatgrid",
            dependencies: ["HeatGridKit", .product(name: "ArgumentParser", package: "swift-argument-parser")]
        ),

        .target(name: "TestSupport", dependencies: ["GeoCore"], path: "Tests/TestSupport"),
        .testTarget(name: "GeoCoreTests", dependencies: ["GeoCore", "TestSupport"]),
        .testTarget(name: "DecimalTextTests", dependencies: ["DecimalText"]),
        .testTarget(name: "FreshMemoryTests", dependencies: ["FreshMemory"]),
        .testTarget(name: "ParallelTests", dependencies: ["Parallel"]),
        .testTarget(name: "DigestTests", dependencies: ["Digest", "TestSupport"]),
        .testTarget(name: "JobFileTests", dependencies: ["JobFile", "HeatGridKit"]),
        .testTarget(name: "ICalendarTests", dependencies: ["ICalendar", "TestSupport"], exclude: ["Reference"]),
        .testTarget(name: "AtomicOutputTests", dependencies: ["AtomicOutput", "TestSupport"]),
        .testTarget(name: "ProjectionTests", dependencies: ["Projection", "TestSupport"], exclude: ["Reference"]),
        .testTarget(name: "GeoJSONTests", dependencies: ["GeoJSON", "TestSupport"], resources: [.copy("Fixtures")]),
        .testTarget(name: "IncidentsTests", dependencies: ["Incidents", "TestSupport"], resources: [.copy("Fixtures")]),
        .testTarget(name: "AggregateTests", dependencies: ["Aggregate", "Incidents", "TestSupport"], exclude: ["Reference"]),
        .testTarget(name: "StatsTests", dependencies: ["Stats", "TestSupport"], exclude: ["Reference"]),
        .testTarget(name: "NeighboursTests", dependencies: ["Neighbours", "Stats", "GeoCore", "GeoJSON", "TestSupport"],
                    exclude: ["Reference"]),
        .testTarget(name: "PatrolTests", dependencies: ["Patrol", "Stats", "GeoCore", "TestSupport"]),
        .testTarget(name: "SpatialIndexTests", dependencies: ["SpatialIndex", "GEOSBridge", "GeoJSON", "TestSupport"]),
        .testTarget(name: "GridTests", dependencies: ["Grid", "GEOSBridge", "GeoCore", "Projection", "TestSupport"], exclude: ["Reference"]),
        .testTarget(name: "RenderTests", dependencies: ["Render", "TestSupport"], exclude: ["Reference"]),
        .testTarget(name: "GEOSBridgeTests", dependencies: ["GEOSBridge", "CGEOS", "GeoCore", "TestSupport"]),
        .testTarget(name: "ImageBridgeTests", dependencies: ["ImageBridge", "Render", "GeoCore", "CPNG", "CZlib", "CFreeType", "TestSupport"],
                    exclude: ["Snapshots"]),
        .testTarget(name: "LayerCheckTests", dependencies: ["LayerCheck", "GEOSBridge", "GeoJSON", "Projection", "TestSupport"],
                    exclude: ["Fixtures"]),
        .testTarget(name: "HeatGridKitTests", dependencies: ["HeatGridKit", "GeoJSON", "TestSupport"]),
        .testTarget(name: "heatgridTests", dependencies: ["TestSupport"], exclude: ["Fixtures"]),
    ]
)
