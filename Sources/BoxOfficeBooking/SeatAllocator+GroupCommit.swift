import BoxOfficeCore
import BoxOfficeStore

/// The requests decided in memory since the last transaction began, waiting to be written together.
struct PendingBatch {
    struct Entry {
        /// What this request changes, written in order inside the batch's transaction.
        var changes: [SeatChange]
        var reply: CheckedContinuation<Void, any Error>
    }

    var entries: [Entry] = []
    /// Each touched showtime's memory as it was before this batch's first change to it.
    var showsBefore: [Int64: ShowSeats] = [:]
    /// Each touched entry of the hold index as it was before this batch (nil: absent).
    var holdIndexBefore: [String: Int64?] = [:]

    var isEmpty: Bool { entries.isEmpty }
}

extension SeatAllocator {
    /// Records a showtime's memory before the pending batch first changes it, and takes it out of
    /// `shows` until the caller stores it back, so that the caller's copy is the only one after the
    /// batch's snapshot and later changes in the batch mutate in place instead of copying the book.
    func willChange(_ show: ShowSeats) {
        if pending.showsBefore[show.showtimeID] == nil { pending.showsBefore[show.showtimeID] = show }
        shows[show.showtimeID] = nil
    }

    /// Records a hold index entry before the pending batch first changes it.
    func willChangeIndex(_ holdID: String) {
        if pending.holdIndexBefore[holdID] == nil { pending.holdIndexBefore[holdID] = .some(holdShowtime[holdID]) }
    }

    /// Queues `changes` into the pending batch and returns once the batch's transaction has committed,
    /// or throws if it failed (memory is then already rolled back). Call with the memory change made.
    func commit(_ changes: [SeatChange]) async throws {
        try await withCheckedThrowingContinuation { (reply: CheckedContinuation<Void, any Error>) in
            pending.entries.append(.init(changes: changes, reply: reply))
            if !isWriting {
                isWriting = true
                Task { await self.writeBatches() }
            }
        }
    }

    /// The one writer: while requests are pending, takes them all and writes them in one transaction.
    /// Requests that arrive during the transaction's fsync join the next batch: that is the group commit.
    private func writeBatches() async {
        while !pending.isEmpty {
            let batch = pending
            pending = PendingBatch()
            do {
                let started = ContinuousClock.now
                try await ledger.apply(batch.entries.map(\.changes))
                let took = ContinuousClock.now - started
                statistics.transactions += 1
                statistics.transactionTime += took
                onCommit(batch.entries.count, took)
                statistics.committedRequests += batch.entries.count
                statistics.largestBatch = max(statistics.largestBatch, batch.entries.count)
                for entry in batch.entries { entry.reply.resume() }
            } catch {
                // Requests queued since were decided on this batch's memory changes: they fail too,
                // and memory goes back to before this batch (newest snapshots first, oldest last).
                let queued = pending
                pending = PendingBatch()
                rollBack(queued)
                rollBack(batch)
                statistics.failedTransactions += 1
                let failed = error as? SeatLedgerFailure
                let retry = BoxOfficeError(.aborted, "the seat change could not be saved: try again")
                for (index, entry) in batch.entries.enumerated() {
                    entry.reply.resume(throwing: index == failed?.request ? Self.reported(failed!.cause) : retry)
                }
                for entry in queued.entries { entry.reply.resume(throwing: retry) }
            }
        }
        isWriting = false
    }

    private func rollBack(_ batch: PendingBatch) {
        for (id, show) in batch.showsBefore { shows[id] = show }
        for (holdID, showtimeID) in batch.holdIndexBefore { holdShowtime[holdID] = showtimeID }
    }

    /// Our own errors pass through; a database error becomes ABORTED without its SQL.
    private static func reported(_ error: any Error) -> any Error {
        if error is BoxOfficeError { return error }
        return BoxOfficeError(.aborted, "the seat change could not be saved: try again")
    }
}
