import Foundation
#if canImport(Glibc)
import Glibc
#endif
import HeatGridKit

let defaultThreadCount = max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))))

func printError(_ line: String) {
    let text = line + "\n"
    _ = text.withCString { write(STDERR_FILENO, $0, strlen($0)) }
}

/// Progress on stderr. In a terminal the current stage stays on one line with a spinner and its elapsed
/// seconds, updated ten times a second, and each finished stage is left behind with its time; in a batch log
/// (stderr not a terminal) each stage is one plain `· message` line, so logs stay readable and greppable.
func progressLine(_ message: String) { StageProgress.shared.begin(message) }

/// A progress counter for reading an incident file, drawn as a bar on the live stage line while the file is read;
/// nil when stderr is not a terminal (logs get no bars).
func incidentReadProgress() -> ReadProgress? { StageProgress.shared.trackedReadProgress() }

/// Ends the live stage line, if any, before a command prints its results.
func finishProgress() { StageProgress.shared.finish() }

/// Runs a job with progress on stderr, and ends the progress line before the caller prints its results.
func withProgress<T>(_ body: (_ progress: (String) -> Void) throws -> T) rethrows -> T {
    defer { finishProgress() }
    return try body(progressLine)
}

final class StageProgress: @unchecked Sendable {
    static let shared = StageProgress()

    private let lock = NSLock()
    private var interactive = isatty(STDERR_FILENO) == 1
    /// One JSON object per line instead (`--json-progress`): {"event":"stage","stage":…,"seconds":…} as each stage
    /// begins, {"event":"done"} or {"event":"error","message":…} at the end, seconds since the command started.
    private(set) var jsonLines = false
    private let commandStarted = DispatchTime.now()

    func useJSONLines() {
        lock.lock()
        defer { lock.unlock() }
        jsonLines = true
        interactive = false
    }

    /// Writes one JSON progress line (only in JSON mode).
    func event(_ name: String, _ members: [(String, JSONValue)] = []) {
        guard jsonLines else { return }
        var object = JSONObject()
        object["event"] = .string(name)
        for (key, value) in members { object[key] = value }
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - commandStarted.uptimeNanoseconds) / 1e9
        object["seconds"] = .number((seconds * 1000).rounded() / 1000)
        if let bytes = JSONText.encode(.object(object)) { printError(String(decoding: bytes, as: UTF8.self)) }
    }
    private var message: String?
    private var started = DispatchTime.now()
    private var frame = 0
    private var timer: DispatchSourceTimer?
    private var reading: ReadProgress?
    private static let frames = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"]

    func begin(_ next: String) {
        if jsonLines { return event("stage", [("stage", .string(next))]) }
        guard interactive else { return printError("· " + next) }
        lock.lock()
        defer { lock.unlock() }
        if let message { write("\r\u{1B}[K· \(message) (\(elapsed()))\n") }
        message = next
        started = .now()
        if timer == nil {
            let timer = DispatchSource.makeTimerSource(queue: .global(qos: .utility))
            timer.schedule(deadline: .now(), repeating: .milliseconds(100))
            timer.setEventHandler { [weak self] in self?.redraw() }
            timer.resume()
            self.timer = timer
        }
        redrawLocked()
    }

    func trackedReadProgress() -> ReadProgress? {
        guard interactive else { return nil }
        lock.lock()
        defer { lock.unlock() }
        let progress = ReadProgress()
        reading = progress
        return progress
    }

    func finish() {
        guard interactive else { return }
        lock.lock()
        defer { lock.unlock() }
        timer?.cancel()
        timer = nil
        if let message { write("\r\u{1B}[K· \(message) (\(elapsed()))\n") }
        message = nil
    }

    private func redraw() {
        lock.lock()
        defer { lock.unlock() }
        redrawLocked()
    }

    private func redrawLocked() {
        guard let message else { return }
        frame = (frame + 1) % Self.frames.count
        var bar = ""
        if let fraction = reading?.fraction, fraction < 1 { bar = "  " + progressBar(fraction) }
        write("\r\u{1B}[K\(Self.frames[frame]) \(message)  \(elapsed())\(bar)")
    }

    private func elapsed() -> String {
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - started.uptimeNanoseconds) / 1e9
        return String(format: "%.1f s", seconds)
    }

    private func write(_ text: String) {
        _ = text.withCString { Glibc.write(STDERR_FILENO, $0, strlen($0)) }
    }
}

/// `[██████░░░░░░░░░░░░░░]  31 %`: 20 cells, each a twentieth of the work.
func progressBar(_ fraction: Double) -> String {
    let clamped = min(1, max(0, fraction.isNaN ? 0 : fraction))
    let filled = Int(clamped * 20)
    return "[" + String(repeating: "█", count: filled) + String(repeating: "░", count: 20 - filled) + "] "
        + String(format: "%3d %%", Int(clamped * 100))
}

/// A plain-text table whose columns line up in a terminal, counting CJK characters as two columns wide.
struct TextTable {
    var header: [String]
    var rows: [[String]] = []
    /// Columns aligned to the right (numbers).
    var rightAligned: Set<Int> = []

    func render() -> String {
        let all = [header] + rows
        let widths = header.indices.map { column in all.map { displayWidth($0[column]) }.max() ?? 0 }
        func line(_ cells: [String]) -> String {
            let padded = cells.enumerated().map { column, text in
                let pad = String(repeating: " ", count: widths[column] - displayWidth(text))
                return rightAligned.contains(column) ? pad + text : text + pad
            }
            return String(padded.joined(separator: "  ").reversed().drop { $0 == " " }.reversed())
        }
        let rule = widths.map { String(repeating: "─", count: $0) }.joined(separator: "  ")
        return ([line(header), rule] + rows.map(line)).joined(separator: "\n")
    }

    private func displayWidth(_ text: String) -> Int {
        text.unicodeScalars.reduce(0) { width, scalar in
            let v = scalar.value
            let wide = (0x1100...0x115F).contains(v) || (0x2E80...0xA4CF).contains(v) || (0xAC00...0xD7A3).contains(v)
                || (0xF900...0xFAFF).contains(v) || (0xFE30...0xFE4F).contains(v) || (0xFF00...0xFF60).contains(v)
                || (0xFFE0...0xFFE6).contains(v) || (0x20000...0x3FFFD).contains(v)
            return width + (wide ? 2 : 1)
        }
    }
}

func percent(_ part: Int, of whole: Int) -> String {
    guard whole > 0 else { return "–" }
    let tenths = (Double(part) * 1000 / Double(whole)).rounded()
    return "\(Int(tenths) / 10).\(Int(tenths) % 10)%"
}
