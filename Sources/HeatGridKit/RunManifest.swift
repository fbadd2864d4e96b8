import AtomicOutput
import Digest
import Foundation
import GeoCore
import GeoJSON

/// The run manifest DESIGN.md promises: what a run read and wrote, each file's size and SHA-256, the command line
/// (every parameter), the seed, HeatGrid's version and the stage timings — so a result can be traced to its inputs
/// and a rerun can tell whether anything changed. Written last, under a temporary name and renamed, so a manifest
/// only exists for a run that completed.
public struct RunManifest: Sendable {
    public var command: [String]
    public var inputs: [String]
    public var outputs: [String]
    public var seed: UInt64?
    public var timings: Timings

    public init(command: [String], inputs: [String], outputs: [String], seed: UInt64? = nil, timings: Timings = Timings()) {
        self.command = command
        self.inputs = inputs
        self.outputs = outputs
        self.seed = seed
        self.timings = timings
    }

    /// The manifest's JSON: `heatgrid`, `command`, `seed`, `inputs` and `outputs` (each `path`, `bytes`,
    /// `sha256`), `timings`. Files are listed in the order given, each once.
    public func json() throws -> [UInt8] {
        func records(_ paths: [String]) throws -> JSONValue {
            var seen = Set<String>()
            return .array(try paths.filter { seen.insert($0).inserted }.map { path in
                let (hex, bytes): (String, Int)
                do { (hex, bytes) = try SHA256.file(path) } catch {
                    throw HeatGridError("\(path): cannot read it for the run manifest (\(error.localizedDescription))")
                }
                return .object(["path": .string(path), "bytes": .number(Double(bytes)), "sha256": .string(hex)])
            })
        }
        var object = JSONObject()
        object["heatgrid"] = .string(HeatGridVersion.current)
        object["command"] = .array(command.map(JSONValue.string))
        object["seed"] = seed.map { .number(Double($0)) } ?? .null
        object["inputs"] = try records(inputs)
        object["outputs"] = try records(outputs)
        var stages = JSONObject()
        for stage in timings.stages { stages[stage.name] = .number((stage.seconds * 1e6).rounded() / 1e6) }
        object["timings"] = .object(stages)
        guard let bytes = JSONText.encode(.object(object)) else { throw HeatGridError("a timing is not finite") }
        return bytes + [UInt8(ascii: "\n")]
    }

    public func write(to path: String) throws {
        try writeAtomically(try json(), to: path)
    }
}
