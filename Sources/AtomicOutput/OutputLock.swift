import Glibc

/// An exclusive claim on an output folder, so two jobs never write the same files at once.
///
/// The claim is an advisory `flock` on `<folder>/.heatgrid.lock`, which the kernel drops when the holder's process
/// ends however it ends: a job killed with SIGKILL leaves the file behind but no claim, and the next job takes it.
/// The file holds the holder's process id, for the message a refused job prints.
public final class OutputLock: @unchecked Sendable {
    public let path: String
    private var descriptor: Int32

    /// Claims `folder` (which must exist), or throws naming the process that holds it.
    public init(folder: String) throws(OutputLockError) {
        path = folder + "/.heatgrid.lock"
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw OutputLockError("\(path): cannot open the lock file (\(String(cString: strerror(errno))))") }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            let busy = errno == EWOULDBLOCK
            var buffer = [UInt8](repeating: 0, count: 32)
            let count = read(fd, &buffer, 31)
            close(fd)
            let holder = count > 0 ? String(decoding: buffer[0..<count], as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines) : "?"
            throw OutputLockError(busy
                ? "\(folder): another heatgrid job (process \(holder)) is writing here; wait for it or choose another output folder"
                : "\(path): cannot lock (\(String(cString: strerror(errno))))")
        }
        let pid = Array("\(getpid())\n".utf8)
        _ = ftruncate(fd, 0)
        _ = pid.withUnsafeBytes { pwrite(fd, $0.baseAddress, $0.count, 0) }
        descriptor = fd
    }

    /// Gives the claim up (also done when the lock goes away, and by the kernel when the process ends).
    public func release() {
        guard descriptor >= 0 else { return }
        _ = flock(descriptor, LOCK_UN)
        close(descriptor)
        descriptor = -1
    }

    deinit { release() }
}

public struct OutputLockError: Error, CustomStringConvertible, Sendable {
    public let description: String
    init(_ description: String) { self.description = description }
}

private extension String {
    func trimmingCharacters(in set: Set<Character>) -> String {
        String(drop { set.contains($0) }.reversed().drop { set.contains($0) }.reversed())
    }
}

private extension Set where Element == Character {
    static var whitespacesAndNewlines: Set<Character> { [" ", "\n", "\t", "\r"] }
}
