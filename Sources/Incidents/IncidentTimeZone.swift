import Foundation
import Synchronization

/// A problem with a time option given by the user (an unknown zone, a time format that cannot be read).
public struct IncidentTimeOptionError: Error, CustomStringConvertible, Sendable, Equatable {
    public let message: String

    public init(message: String) {
        self.message = message
    }

    public var description: String { message }
}

/// An IANA time zone with its UTC offsets tabulated once, for converting millions of times quickly.
///
/// The zone's transitions from 1900 to 2100 are read once from the system's zone data (through Foundation's
/// `TimeZone`) and kept sorted; a conversion is then one comparison after the zone's last transition (Asia/Shanghai
/// after September 1991, every fixed-offset zone) and a binary search over the transitions otherwise. Before 1900
/// the offset in force on 1900-01-01 applies, after 2100 the one in force on 2100-01-01 (for zones with daylight
/// saving time: their winter offset).
///
/// Local wall-clock times that a transition makes nonexistent or ambiguous are read with the offset in force
/// before the transition:
/// - a time in a spring-forward gap (America/New_York, 2026-03-08 02:30, which clocks skip) is shifted forward by
///   the gap (to 03:30 EDT, 07:30 UTC);
/// - a time in a fall-back overlap (America/New_York, 2026-11-01 01:30, which clocks show twice) is the earlier
///   of its two instants (01:30 EDT, 05:30 UTC).
///
/// Local seconds are seconds since 1970-01-01T00:00 of the local calendar (Unix seconds plus the UTC offset).
public struct IncidentTimeZone: Sendable, Hashable, CustomStringConvertible {
    /// The IANA identifier, e.g. `Asia/Shanghai`.
    public let identifier: String
    /// The offset after the last tabulated transition, and where it starts in UTC.
    @usableFromInline let finalOffset: Int64
    @usableFromInline let finalFromUTC: Int64
    /// Where local times are read with the final offset, unambiguously (after any gap or overlap of the last
    /// transition), as the instant such a reading gives: local times `t` with `t - finalOffset >= finalFromAsUTC`.
    @usableFromInline let finalFromAsUTC: Int64
    @usableFromInline let table: Transitions

    /// China Standard Time, the default zone of incident files (UTC+8 since 1991; daylight saving time 1986–1991).
    public static let shanghai: IncidentTimeZone = {
        if let zone = try? IncidentTimeZone(identifier: "Asia/Shanghai") { return zone }
        // Without zone data: UTC+8 throughout.
        return IncidentTimeZone(identifier: "Asia/Shanghai", table: Transitions(starts: [], offsets: [], initialOffset: 28_800))
    }()

    /// UTC (no offset, no transitions).
    public static let utc = IncidentTimeZone(identifier: "UTC", table: Transitions(starts: [], offsets: [], initialOffset: 0))

    /// The zone named by an IANA identifier (`Asia/Shanghai`, `Asia/Urumqi`, `America/New_York`, `UTC`, …).
    /// Throws for an identifier the system's zone data does not know.
    public init(identifier: String) throws(IncidentTimeOptionError) {
        let trimmed = identifier.trimmingCharacters(in: .whitespaces)
        guard let table = Transitions.cached(trimmed) else {
            throw IncidentTimeOptionError(
                message: "unknown time zone '\(identifier)': give an IANA identifier such as Asia/Shanghai, "
                    + "Asia/Urumqi, Asia/Hong_Kong or UTC")
        }
        self.init(identifier: trimmed, table: table)
    }

    init(identifier: String, table: Transitions) {
        self.identifier = identifier
        self.table = table
        if let last = table.starts.last {
            finalOffset = table.offsets[table.offsets.count - 1]
            finalFromUTC = last
            let before = table.offsets.count >= 2 ? table.offsets[table.offsets.count - 2] : table.initialOffset
            finalFromAsUTC = last + max(before, finalOffset) - finalOffset
        } else {
            finalOffset = table.initialOffset
            finalFromUTC = .min
            finalFromAsUTC = .min
        }
    }

    public var description: String { identifier }

    public static func == (a: IncidentTimeZone, b: IncidentTimeZone) -> Bool { a.identifier == b.identifier }
    public func hash(into hasher: inout Hasher) { hasher.combine(identifier) }

    /// Whether the zone has had a single offset since `utc` (a conversion after it is one comparison).
    public func isFixed(after utc: Int64) -> Bool { utc >= finalFromUTC }

    /// The zone's offset from UTC in seconds at the instant `utc` (Unix seconds).
    @inlinable @inline(__always)
    public func offsetSeconds(utc: Int64) -> Int64 {
        utc >= finalFromUTC ? finalOffset : table.offset(utc: utc)
    }

    /// The local wall-clock seconds of the instant `utc` (Unix seconds): `utc` plus the offset in force.
    @inlinable @inline(__always)
    public func localSeconds(utc: Int64) -> Int64 {
        utc + offsetSeconds(utc: utc)
    }

    /// The Unix seconds of the local wall-clock time `local`; a time in a gap is shifted forward by the gap, a time
    /// in an overlap is the earlier instant (see the type's documentation).
    @inlinable @inline(__always)
    public func utcSeconds(local: Int64) -> Int64 {
        let utc = local &- finalOffset
        return utc >= finalFromAsUTC ? utc : local - table.offset(local: local)
    }

    /// The transitions of one zone, shared by every copy of it.
    @usableFromInline
    final class Transitions: Sendable {
        /// UTC instants where `offsets[i]` starts, ascending.
        let starts: [Int64]
        let offsets: [Int64]
        /// The offset before the first transition.
        let initialOffset: Int64
        /// Local times from which `offsets[i]` applies: the transition in local time, taken after a gap or
        /// an overlap (both resolved with the earlier offset).
        let localStarts: [Int64]

        init(starts: [Int64], offsets: [Int64], initialOffset: Int64) {
            self.starts = starts
            self.offsets = offsets
            self.initialOffset = initialOffset
            var localStarts: [Int64] = []
            var previous = initialOffset
            for (start, offset) in zip(starts, offsets) {
                localStarts.append(start + max(previous, offset))
                previous = offset
            }
            self.localStarts = localStarts
        }

        /// The offset in force at `utc`.
        @usableFromInline
        func offset(utc: Int64) -> Int64 {
            let i = Transitions.lastIndex(in: starts, atMost: utc)
            return i < 0 ? initialOffset : offsets[i]
        }

        /// The offset that places local time `local`.
        @usableFromInline
        func offset(local: Int64) -> Int64 {
            let i = Transitions.lastIndex(in: localStarts, atMost: local)
            return i < 0 ? initialOffset : offsets[i]
        }

        /// The last index whose value is at most `value`, or -1.
        private static func lastIndex(in values: [Int64], atMost value: Int64) -> Int {
            var low = 0
            var high = values.count
            while low < high {
                let mid = (low + high) / 2
                if values[mid] <= value { low = mid + 1 } else { high = mid }
            }
            return low - 1
        }

        /// 1900-01-01T00:00:00Z and 2100-01-01T00:00:00Z.
        static let firstTabulated: Int64 = -2_208_988_800
        static let lastTabulated: Int64 = 4_102_444_800

        private static let cache = Mutex<[String: Transitions]>([:])

        /// The transitions of the zone `identifier`, read once per process; nil for an unknown zone. Zones are
        /// read one at a time, under the cache's lock (Foundation's zones are not to be walked from several
        /// threads at once).
        static func cached(_ identifier: String) -> Transitions? {
            cache.withLock { tables in
                if let found = tables[identifier] { return found }
                guard !identifier.isEmpty, let zone = TimeZone(identifier: identifier) else { return nil }
                let table = read(zone)
                tables[identifier] = table
                return table
            }
        }

        private static func read(_ zone: TimeZone) -> Transitions {
            var date = Date(timeIntervalSince1970: Double(firstTabulated))
            let initialOffset = Int64(zone.secondsFromGMT(for: date))
            var starts: [Int64] = []
            var offsets: [Int64] = []
            var previous = initialOffset
            while let next = zone.nextDaylightSavingTimeTransition(after: date) {
                let start = Int64(next.timeIntervalSince1970.rounded(.down))
                guard start < lastTabulated, next > date else { break }
                let offset = Int64(zone.secondsFromGMT(for: next))
                if offset != previous {
                    starts.append(start)
                    offsets.append(offset)
                    previous = offset
                }
                date = next
            }
            return Transitions(starts: starts, offsets: offsets, initialOffset: initialOffset)
        }
    }
}
