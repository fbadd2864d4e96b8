import AtomicOutput
import Foundation
import Testing
import TestSupport

/// One job per output folder: a second claim is refused with the holder's process id; a lock file left by a killed
/// job does not block; another process's claim (util-linux `flock`) is seen.
struct OutputLockTests {
    @Test func aSecondClaimIsRefusedUntilTheFirstIsReleased() throws {
        let folder = Fixtures.temporaryFolder("lock")
        let first = try OutputLock(folder: folder)
        #expect {
            _ = try OutputLock(folder: folder)
        } throws: { error in
            "\(error)".contains("another heatgrid job (process \(ProcessInfo.processInfo.processIdentifier))")
        }
        first.release()
        let again = try OutputLock(folder: folder)
        again.release()
    }

    @Test func aLockFileLeftByAKilledJobDoesNotBlock() throws {
        let folder = Fixtures.temporaryFolder("lock-stale")
        try "99999\n".write(toFile: folder + "/.heatgrid.lock", atomically: false, encoding: .utf8)
        let lock = try OutputLock(folder: folder)
        #expect(try String(contentsOfFile: lock.path, encoding: .utf8) == "\(ProcessInfo.processInfo.processIdentifier)\n")
        lock.release()
    }

    @Test func anotherProcessHoldingTheLockIsSeen() throws {
        let folder = Fixtures.temporaryFolder("lock-other")
        let holder = Process()
        holder.executableURL = URL(fileURLWithPath: "/usr/bin/flock")
        holder.arguments = [folder + "/.heatgrid.lock", "-c", "echo held; sleep 1"]
        let pipe = Pipe()
        holder.standardOutput = pipe
        try holder.run()
        _ = pipe.fileHandleForReading.availableData  // "held": the other process has its claim
        #expect(throws: OutputLockError.self) { _ = try OutputLock(folder: folder) }
        holder.waitUntilExit()  // the claim ends with the process
        let lock = try OutputLock(folder: folder)
        lock.release()
    }
}
