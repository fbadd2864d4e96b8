/// A failure a user can act on: one line naming the file or option and the problem.
public struct HeatGridError: Error, CustomStringConvertible, Sendable {
    public let description: String

    public init(_ description: String) { self.description = description }
}
