import Foundation
import Glibc

/// A clean stop on SIGINT and SIGTERM: every output still being written (an `AtomicFileWriter` not yet committed)
/// has its temporary file removed, one line on stderr says so, and the process exits with status 130 (SIGINT) or 143
/// (SIGTERM), as shells report a process those signals ended. Completed outputs stay: they were renamed into place
/// whole. (SIGKILL cannot be caught; its temporaries carry the process id in their names, `.<name>.<pid>.tmp`, and
/// nothing reads them.)
///
/// The signals are blocked in the calling thread, so in every thread started after it, and one thread of our own
/// waits for them with `sigwait`: the cleanup runs as ordinary code, not in a signal handler. Call `install()` first
/// thing in `main`, before any other thread starts.
public enum CleanStop {
    public static func install() {
        var set = sigset_t()
        sigemptyset(&set)
        sigaddset(&set, SIGINT)
        sigaddset(&set, SIGTERM)
        pthread_sigmask(SIG_BLOCK, &set, nil)
        let signals = set
        let waiter = Thread {
            var waiting = signals
            var signal: Int32 = 0
            guard sigwait(&waiting, &signal) == 0 else { return }
            let removed = OpenOutputs.shared.removeAll()
            let name = signal == SIGINT ? "SIGINT" : "SIGTERM"
            let line = "heatgrid: stopped by \(name); \(removed) unfinished output\(removed == 1 ? "" : "s") removed, finished ones kept\n"
            _ = line.withCString { Glibc.write(STDERR_FILENO, $0, strlen($0)) }
            _exit(128 + signal)
        }
        waiter.start()
    }
}

/// The temporary files of outputs being written, for `CleanStop`.
final class OpenOutputs: @unchecked Sendable {
    static let shared = OpenOutputs()
    private var lock = pthread_mutex_t()
    private var paths = Set<String>()
    /// Set once the stop began: writers finishing meanwhile leave their temporaries for the stop to remove.
    private var stopping = false

    init() { pthread_mutex_init(&lock, nil) }

    func add(_ path: String) {
        pthread_mutex_lock(&lock)
        paths.insert(path)
        pthread_mutex_unlock(&lock)
    }

    /// Forgets `path` before it is renamed or unlinked by its writer; false once a stop has begun (then the writer
    /// must not publish it).
    func remove(_ path: String) -> Bool {
        pthread_mutex_lock(&lock)
        defer { pthread_mutex_unlock(&lock) }
        guard !stopping else { return false }
        paths.remove(path)
        return true
    }

    /// Unlinks every open temporary and refuses further publishing; returns how many there were.
    func removeAll() -> Int {
        pthread_mutex_lock(&lock)
        stopping = true
        let open = paths
        pthread_mutex_unlock(&lock)
        for path in open { unlink(path) }
        return open.count
    }
}
