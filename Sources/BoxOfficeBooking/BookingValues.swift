public import BoxOfficeCore
public import Foundation

/// Which seats a hold asks for.
public enum SeatRequest: Sendable, Hashable {
    /// These seats by label ("F12"), all or none.
    case labels([String])
    /// The best `count` seats of `kind` together (see `BestAvailable`).
    case bestAvailable(count: Int, kind: SeatKind)
}

/// What a successful hold answers.
public struct HoldResult: Sendable, Hashable {
    public let holdID: String
    public let showtimeID: Int64
    /// Seat indices in the screen's layout, in the order asked for (best available: left to right).
    public let seatIndices: [Int]
    /// "F7", "F8", … in the order of `seatIndices`.
    public let seatLabels: [String]
    public let expiresAt: Date
}

/// A live hold's seats as the purchase writer needs them: what it prices and writes tickets for.
public struct HeldSeats: Sendable, Hashable {
    public let holdID: String
    public let userID: Int64
    public let showtimeID: Int64
    /// The seats with their labels and kinds, in the hold's order (as asked for).
    public let seats: [SeatLayout.Seat]
    public let expiresAt: Date
}

/// A hold the reaper found past its expiry and marked expired.
public struct ExpiredHold: Sendable, Hashable {
    public let showtimeID: Int64
    public let hold: Hold
}

/// A booking's seats given back by a cancellation.
public struct CancelledSeats: Sendable, Hashable {
    public let bookingCode: String
    public let showtimeID: Int64
    public let seatIndices: [Int]
}

/// How the allocator's group commit has gone: requests written and the transactions they shared.
public struct AllocatorStatistics: Sendable, Hashable {
    /// Transactions committed.
    public var transactions = 0
    /// Requests answered OK after their transaction committed.
    public var committedRequests = 0
    /// Transactions that failed (every request in them failed).
    public var failedTransactions = 0
    /// Requests the store refused although memory allowed them (each failed alone; its batch-mates committed).
    public var refusedRequests = 0
    /// Showtimes dropped from memory because the store disagreed or a transaction failed, to be read again.
    public var showtimesReloaded = 0
    /// The most requests one transaction carried.
    public var largestBatch = 0
    /// Time spent writing batches, from handing one to the database to its commit being durable.
    public var transactionTime = Duration.zero
}
