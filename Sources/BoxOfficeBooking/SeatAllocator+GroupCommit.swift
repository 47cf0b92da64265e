import BoxOfficeCore
import BoxOfficeStore

/// The requests decided in memory since the last transaction began, waiting to be written together.
struct PendingBatch {
    struct Entry {
        /// What this request changes, written in order inside the batch's transaction.
        var changes: [SeatChange]
        /// False for a write that was not decided on seat memory (a payment intent): the store
        /// refusing it says nothing about memory.
        var decidedInMemory: Bool
        var reply: CheckedContinuation<Void, any Error>
    }

    var entries: [Entry] = []
    /// The showtimes whose memory this batch's requests changed: the ones to read again from the
    /// store if the batch does not commit as decided.
    var touched: Set<Int64> = []

    var isEmpty: Bool { entries.isEmpty }
}

extension SeatAllocator {
    /// Notes that the pending batch changes this showtime, and takes it out of `shows` until the
    /// caller stores it back, so that the caller's copy is the only one and its changes mutate in
    /// place instead of copying the book.
    func willChange(_ show: ShowSeats) {
        pending.touched.insert(show.showtimeID)
        shows[show.showtimeID] = nil
    }

    /// Queues `changes` into the pending batch and returns once the batch's transaction has committed,
    /// or throws if it failed. Call with the memory change made.
    func commit(_ changes: [SeatChange], decidedInMemory: Bool = true) async throws {
        try await withCheckedThrowingContinuation { (reply: CheckedContinuation<Void, any Error>) in
            pending.entries.append(.init(changes: changes, decidedInMemory: decidedInMemory, reply: reply))
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
            let started = ContinuousClock.now
            writing = batch.touched
            let outcome = await write(batch)
            writing = []
            switch outcome {
            case .committed(let refused):
                let took = ContinuousClock.now - started
                statistics.transactions += 1
                statistics.transactionTime += took
                onCommit(batch.entries.count - refused.count, took)
                statistics.committedRequests += batch.entries.count - refused.count
                statistics.largestBatch = max(statistics.largestBatch, batch.entries.count)
                statistics.refusedRequests += refused.count
                if refused.keys.contains(where: { batch.entries[$0].decidedInMemory }) {
                    // Memory allowed what the store refused: memory was wrong about these showtimes.
                    // The requests queued since were decided on that memory too: they fail and are
                    // not written.
                    let queued = pending
                    pending = PendingBatch()
                    forget(batch.touched.union(queued.touched))
                    for entry in queued.entries { entry.reply.resume(throwing: Self.retry) }
                }
                for (index, entry) in batch.entries.enumerated() {
                    if let cause = refused[index] { entry.reply.resume(throwing: Self.reported(cause)) } else { entry.reply.resume() }
                }
            case .failed(let error):
                // Nothing is known to have committed, nor known not to have: read it all again.
                let queued = pending
                pending = PendingBatch()
                forget(batch.touched.union(queued.touched))
                statistics.failedTransactions += 1
                let reported = Self.reported(error)
                let queuedError = (reported as? BoxOfficeError)?.code == .unavailable ? reported : Self.retry
                for entry in batch.entries { entry.reply.resume(throwing: reported) }
                for entry in queued.entries { entry.reply.resume(throwing: queuedError) }
            }
        }
        isWriting = false
    }

    private enum BatchOutcome {
        /// The transaction committed without the refused requests (by index, with the store's reason).
        case committed(refused: [Int: any Error])
        /// The transaction failed as a whole.
        case failed(any Error)
    }

    /// Writes a batch in one transaction. When the store refuses one request, the transaction is
    /// written again without it: one conflicting request never fails its batch-mates. A database
    /// that went away (UNAVAILABLE) fails the whole batch.
    private func write(_ batch: PendingBatch) async -> BatchOutcome {
        var remaining = Array(batch.entries.indices)
        var refused: [Int: any Error] = [:]
        while !remaining.isEmpty {
            do {
                try await ledger.apply(remaining.map { batch.entries[$0].changes })
                break
            } catch let failure as SeatLedgerFailure where remaining.indices.contains(failure.request) && !Self.isOutage(failure.cause) {
                refused[remaining.remove(at: failure.request)] = failure.cause
            } catch let failure as SeatLedgerFailure {
                return .failed(failure.cause)
            } catch {
                return .failed(error)
            }
        }
        return .committed(refused: refused)
    }

    /// Whether a batch queued or being written changes this showtime: its memory is ahead of the
    /// store until that batch commits, so it must not be dropped and read again meanwhile (the
    /// read would not have this node's own decisions).
    func isChanging(_ showtimeID: Int64) -> Bool {
        pending.touched.contains(showtimeID) || writing.contains(showtimeID)
    }

    /// Drops showtimes from memory with their holds' index entries; their next use reads the store.
    func forget(_ showtimeIDs: Set<Int64>) {
        for id in showtimeIDs {
            guard let show = shows.removeValue(forKey: id) else { continue }
            for holdID in show.holds.holds.keys where holdShowtime[holdID] == id { holdShowtime[holdID] = nil }
        }
        statistics.showtimesReloaded += showtimeIDs.count
    }

    private static let retry = BoxOfficeError(.aborted, "the seat change could not be saved: try again")

    private static func isOutage(_ error: any Error) -> Bool {
        (error as? BoxOfficeError)?.code == .unavailable
    }

    /// Our own errors pass through; a database error becomes ABORTED without its SQL.
    private static func reported(_ error: any Error) -> any Error {
        if error is BoxOfficeError || error is PaymentIntentSettled { return error }
        return retry
    }
}
