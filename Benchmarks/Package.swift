// swift-tools-version: 6.1
// Benchmarks live in their own package so the main build and CI never compile them.
// Run them with Benchmarks/run.sh (it makes the workload, installs the Python peers and prints the ratios).
import PackageDescription

let package = Package(
    name: "HeatGridBenchmarks",
    dependencies: [
        .package(name: "HeatGrid", path: ".."),
    ],
    targets: [
        .executableTarget(
            name: "heatgrid-bench",
            dependencies: [.product(name: "HeatGridKit", package: "HeatGrid")]
        ),
    ]
)
