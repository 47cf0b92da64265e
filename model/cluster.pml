/*
 * cluster.pml: the showtime hand-off between boxofficed nodes, as a Promela model for spin.
 *
 * Several boxofficed nodes behind HAProxy share one PostgreSQL database. Each showtime is
 * decided by one node at a time (its owner, by rendezvous hashing over the live nodes), in the
 * memory of that node's seat allocator, and written in group-commit batches; the database's
 * checks are the final word. This model is small on purpose: 2 nodes, 1 showtime, 2 seats,
 * 2 buyers racing for seat 1, a bounded number of faults. model/README.md says what is
 * abstracted away and why, and scripts/model-check.sh runs the checks.
 *
 * Properties (see the monitor and the ltl formulas at the end):
 *   (1) no seat is ever in two confirmed bookings                         assert, monitor
 *   (2) a booking its buyer was told is confirmed is never lost, unless
 *       that buyer asked to cancel it                                     assert, monitor
 *   (3) every call is eventually answered (OK or an error), and every
 *       buyer's retries end, under weak fairness                          ltl, pan -a -f
 *   (4) a definitive "no" about a purchase or a cancellation is true:
 *       a buyer told its purchase failed has no booking, one told its
 *       cancellation failed has no confirmed booking                      assert, at the answer
 *
 * Switches (spin -D...):
 *   BROKEN_TAKEOVER  the database trusts the node's memory: a hold's ON CONFLICT DO UPDATE
 *                    takes over any claim, a purchase neither checks that its hold is live and
 *                    unexpired nor counts the claims it moved. spin must find a violation of (1).
 *   TRUST_MEMORY     a purchase, release or cancellation naming a hold or booking that the
 *                    node's memory does not have (as it is) is refused from memory instead of
 *                    reloading the showtime first. spin finds a violation of (4): see README.
 *   ABORT_ON_UNKNOWN_HOLD  a purchase or release of a hold that the database has live but the
 *                    memory does not is answered "try again" and the memory kept, as
 *                    SeatAllocator.liveHold does today. spin finds a violation of (3): see README.
 *   FAULTS=n         how many faults (crash, pause, failed or unanswered transaction); default 2,
 *                    scripts/model-check.sh uses 1 (and 2 with --deep).
 */

#ifndef FAULTS
#define FAULTS 2
#endif

#define NN 2            /* nodes: A = 0, B = 1 */
#define NS 2            /* seats of the one showtime: 0 and 1 */
#define NB 2            /* buyers */
#define NH 3            /* hold ids: buyer 0's two attempts are holds 0 and 1, buyer 1's is hold 2 */

/* ---------------------------------------------------------------------------------------------
 * What each buyer wants. Buyer 0 holds seats 0 and 1, buyer 1 seat 1: they race for seat 1, and
 * buyer 0's hold has two claims, so the purchase's row count (claims moved = seats held) matters.
 */
#define WANT(b)         ((b) == 0 -> 3 : 2)
#define HAS(mask, s)    (((mask) >> (s)) & 1)
#define BUYER_OF(h)     ((h) / 2)

/* A claim, in the database's seat_claims (primary key (showtime, seat)) and in a node's memory
 * of the showtime's seats: free, held by hold h (stored h+1), or sold to buyer b's booking (8+b). */
#define FREE            0
#define HELD(h)         ((h) + 1)
#define SOLD(b)         (8 + (b))
#define IS_HOLD(c)      ((c) >= 1 && (c) <= NH)
#define HOLD_OF(c)      ((c) - 1)

/* ---------------------------------------------------------------------------------------------
 * The database (PostgreSQL). One transaction is one atomic step of the model.
 */
byte claim[NS];                 /* seat_claims: FREE, HELD(h) or SOLD(b) */
#define H_NONE          0
#define H_LIVE          1       /* holds.state = 'live' (it may have expired: see hexp) */
#define H_PURCHASED     2
#define H_RELEASED      3
byte hst[NH];                   /* holds.state */
bit  hexp[NH];                  /* time: the database's now has passed this hold's expires_at */
#define B_NONE          0
#define B_CONFIRMED     1
#define B_CANCELLED     2
byte bk[NB];                    /* bookings.state of buyer b's booking; buyer b's idempotency key
                                   names it: a purchase under that key finds it (idempotency_keys) */
byte tlive;                     /* the nodes table: bit n = node n heartbeated in the last 3 s */

/* ---------------------------------------------------------------------------------------------
 * The nodes.
 */
#define UP              0
#define PAUSED          1       /* stopped (GC, SIGSTOP, cut off from the database): no heartbeat,
                                   no decision; a transaction already sent may still commit */
#define DOWN            2       /* crashed: memory lost, connections refused */
byte st[NN];
byte view[NN];                  /* the live set this node read at its last heartbeat */
bit  lapsed[NN];                /* its last successful heartbeat is more than 3 s old */
bit  mv[NN];                    /* the allocator has the showtime in memory */
byte mseat[NN * NS];            /* that memory: one claim per seat, as the node believes it */

/* Rendezvous owner of the one showtime in a view: its preference order is A, then B. (With the
 * real hash every showtime has its own order; one showtime needs only one order.) */
#define OWNER(v)        (((v) & 1) -> 0 : (((v) & 2) -> 1 : 255))
#define MEM(n, s)       mseat[(n) * NS + (s)]

/* The group-commit batch: one slot per node and buyer (a buyer has one call at a time, and a
 * node with an earlier attempt of that buyer still in a batch answers UNAVAILABLE, as the
 * IdempotencyGate does for purchases). */
#define K_NONE          0
#define K_HOLD          1
#define K_PURCHASE      2
#define K_RELEASE       3
#define K_CANCEL        4
#define K_SEATMAP       5       /* a call only: reads memory, writes nothing */
byte pk[NN * NB];               /* the decided request's kind */
byte ph[NN * NB];               /* its hold id */
bit  pin[NN * NB];              /* it is in the batch now being written (later ones wait) */
#define R_NONE          0
#define R_OK            1
#define R_REFUSED       2       /* the database refused this request alone */
#define R_UNAVAILABLE   3       /* the whole transaction failed, or its answer was lost */
byte pres[NN * NB];
#define W_IDLE          0
#define W_SENT          1       /* the batch's transaction is on its way to the database */
#define W_DONE          2       /* it has an outcome the node has not acted on yet */
byte wst[NN];
#define SLOT(n, b)      ((n) * NB + (b))

byte faults = FAULTS;           /* faults left: crash, pause, failed or unanswered transaction */

/* ---------------------------------------------------------------------------------------------
 * The calls. A buyer's current call: its kind and hold, where it is, and its answer.
 */
#define C_NONE          0
#define C_AT            1       /* at node at[b], waiting to be served there */
#define C_PENDING       2       /* decided at node at[b], in its batch */
#define C_ANSWERED      3
#define A_OK            1
#define A_ERROR         2       /* a definitive error: seats taken, hold expired, ... */
#define A_UNAVAILABLE   3       /* retry (a purchase: with the same idempotency key) */
byte ck[NB];
byte ch[NB];
byte cst[NB];
byte at[NB];
byte ent[NB];                   /* the entry node HAProxy gave the call to */
byte cans[NB];
bit  told[NB];                  /* buyer b was told its booking is confirmed */
bit  cancelling[NB];            /* buyer b has asked to cancel it */
bit  fin[NB];                   /* buyer b is done: every call of its script answered for good */

/* Properties (1), (2) and (4) as flags, so that a violation names itself in pan's output. */
bit  seat_in_two_bookings;
bit  told_booking_lost;
bit  false_refusal;

/* Once both buyers are done nothing can matter any more: the world stops changing. */
#define ALL_DONE        (fin[0] && fin[1])

/* The printf lines narrate a counterexample (spin -t); the verifier does not print them.
 * Kinds: 1 hold, 2 purchase, 3 release, 4 cancel, 5 seat map; answers: 1 OK, 2 error,
 * 3 UNAVAILABLE. */
#define ANSWER(b, x)    cans[b] = (x); cst[b] = C_ANSWERED; printf("  buyer %d is answered %d\n", b, x)

/* The allocator forgets the showtime (its copy is cleared too, so that the states of a node that
 * has forgotten do not differ by what it once knew). */
inline forget(n)
{
    if :: mv[n] -> printf("node %d forgets the showtime\n", n) :: else -> skip fi;
    mv[n] = 0; MEM(n, 0) = FREE; MEM(n, 1) = FREE
}

/* ---------------------------------------------------------------------------------------------
 * A node's view changes: it forgets the showtime unless it still owns it in the new view.
 * (ServerCluster: on every change of the live set, drop the showtimes no longer owned.)
 */
inline set_view(n, v)
{
    if
    :: OWNER(v) != n -> forget(n)
    :: else -> skip
    fi;
    view[n] = v
}

/* The allocator loads the showtime from the database (SeatAllocator.loadedShow): one read. */
inline load(n)
{
    MEM(n, 0) = claim[0];
    MEM(n, 1) = claim[1];
    mv[n] = 1;
    printf("node %d loads the showtime: seat claims %d %d (1-4 hold h+1, 8+b booking)\n", n, claim[0], claim[1])
}

/* In memory: every seat of buyer b is claimed by c. */
#define MEM_ALL(n, b, c)  ((!HAS(WANT(b), 0) || MEM(n, 0) == (c)) && (!HAS(WANT(b), 1) || MEM(n, 1) == (c)))
/* In memory, seat s is free for a new hold: free, or held by a hold whose time is up. (The
 * node's clock and the database's are taken to agree; see README.) */
#define MEM_FREE(n, s)    (MEM(n, s) == FREE || (IS_HOLD(MEM(n, s)) && hexp[HOLD_OF(MEM(n, s))]))
#define MEM_CAN_HOLD(n, b) ((!HAS(WANT(b), 0) || MEM_FREE(n, 0)) && (!HAS(WANT(b), 1) || MEM_FREE(n, 1)))

inline mem_set(n, b, c)
{
    if :: HAS(WANT(b), 0) -> MEM(n, 0) = c :: else -> skip fi;
    if :: HAS(WANT(b), 1) -> MEM(n, 1) = c :: else -> skip fi
}

/* A purchase (not yet booked under its key), release or cancellation whose hold or booking the
 * memory does not have as the call says; and whether node n has decisions not yet written. */
#define MISS(n, b)      (((ck[b] == K_PURCHASE && bk[b] == B_NONE) || ck[b] == K_RELEASE) && !MEM_ALL(n, b, HELD(ch[b])) || \
                         ck[b] == K_CANCEL && !MEM_ALL(n, b, SOLD(b)))
#define OWN_PENDING(n)  (pk[SLOT(n, 0)] != K_NONE || pk[SLOT(n, 1)] != K_NONE)

/* ---------------------------------------------------------------------------------------------
 * One call served by node n (BoxOfficeService behind the forwarding layer, then SeatAllocator).
 */
inline serve(n, b)
{
    if
    :: OWNER(view[n]) != n ->
        /* Not the owner in its own view: "ownership is moving", UNAVAILABLE with a retry-after. */
        ANSWER(b, A_UNAVAILABLE)
    :: OWNER(view[n]) == n && pk[SLOT(n, b)] != K_NONE ->
        /* This buyer's earlier attempt is still in this node's batch: retry in a moment. */
        ANSWER(b, A_UNAVAILABLE)
    :: else ->
        if :: !mv[n] -> load(n) :: else -> skip fi;
#if defined(ABORT_ON_UNKNOWN_HOLD)
        /* What SeatAllocator.liveHold does today: a hold that is live in the database but not in
         * the showtime's memory is "being bought or released right now: try again" (ABORTED),
         * and the memory is kept. */
        if
        :: MISS(n, b) && ck[b] != K_CANCEL && hst[ch[b]] == H_LIVE -> ANSWER(b, A_UNAVAILABLE)
        :: else -> skip
        fi;
#elif !defined(TRUST_MEMORY)
        /* A hold or booking the memory does not have as it is may have been written by another
         * node after this one loaded the showtime: read it again before saying no, once this
         * node's own decisions are written (a load drops what is not in the database yet). */
        if
        :: MISS(n, b) && OWN_PENDING(n) -> ANSWER(b, A_UNAVAILABLE)
        :: MISS(n, b) && !OWN_PENDING(n) -> load(n)
        :: else -> skip
        fi;
#endif
        if
        :: cst[b] == C_AT ->
            if
            :: ck[b] == K_SEATMAP ->
                /* The seat map: taken seats from memory (SeatAllocator.takenSeats). */
                ANSWER(b, A_OK)
            :: ck[b] == K_HOLD ->
                /* SeatAllocator.hold: decided in memory, the claims written in the next batch. */
                if
                :: MEM_CAN_HOLD(n, b) ->
                    mem_set(n, b, HELD(ch[b]));
                    pk[SLOT(n, b)] = K_HOLD; ph[SLOT(n, b)] = ch[b]; cst[b] = C_PENDING;
                    printf("node %d decides hold %d for buyer %d in memory\n", n, ch[b], b)
                :: else -> ANSWER(b, A_ERROR)          /* "seats are taken: choose others" */
                fi
            :: ck[b] == K_PURCHASE ->
                /* PurchaseService.buy: first the key (bookingMade reads the database). */
                if
                :: bk[b] != B_NONE -> ANSWER(b, A_OK)
                :: else ->
                    if
                    :: MEM_ALL(n, b, HELD(ch[b])) && !hexp[ch[b]] ->
                        mem_set(n, b, SOLD(b));
                        pk[SLOT(n, b)] = K_PURCHASE; ph[SLOT(n, b)] = ch[b]; cst[b] = C_PENDING;
                        printf("node %d decides the purchase of hold %d by buyer %d in memory\n", n, ch[b], b)
                    :: else ->
                        false_refusal = false_refusal || bk[b] == B_CONFIRMED;
                        ANSWER(b, A_ERROR)             /* "hold expired: hold the seats again" */
                    fi
                fi
            :: ck[b] == K_RELEASE ->
                if
                :: MEM_ALL(n, b, HELD(ch[b])) && !hexp[ch[b]] ->
                    mem_set(n, b, FREE);
                    pk[SLOT(n, b)] = K_RELEASE; ph[SLOT(n, b)] = ch[b]; cst[b] = C_PENDING;
                    printf("node %d decides the release of hold %d in memory\n", n, ch[b])
                :: else -> ANSWER(b, A_ERROR)
                fi
            :: ck[b] == K_CANCEL ->
                if
                :: MEM_ALL(n, b, SOLD(b)) ->
                    mem_set(n, b, FREE);
                    pk[SLOT(n, b)] = K_CANCEL; cst[b] = C_PENDING;
                    printf("node %d decides the cancellation of buyer %d's booking in memory\n", n, b)
                :: else ->
                    false_refusal = false_refusal || bk[b] == B_CONFIRMED;
                    ANSWER(b, A_ERROR)                 /* "booking is already cancelled" */
                fi
            fi
        :: else -> skip
        fi
    fi
}

/* ---------------------------------------------------------------------------------------------
 * One request of a batch, in the database (PostgresSeatBatch). r is its result.
 */
#define DB_ALL(b, c)    ((!HAS(WANT(b), 0) || claim[0] == (c)) && (!HAS(WANT(b), 1) || claim[1] == (c)))
/* INSERT INTO seat_claims ... ON CONFLICT (showtime, seat) DO UPDATE ... WHERE the existing claim
 * is a hold whose expires_at <= now: a free seat or an expired hold's seat is claimed, a live
 * hold's or a booking's is refused, and the hold comes back short. */
#ifdef BROKEN_TAKEOVER
#define DB_CLAIMABLE(s) (1)
#else
#define DB_CLAIMABLE(s) (claim[s] == FREE || (IS_HOLD(claim[s]) && hexp[HOLD_OF(claim[s])]))
#endif

inline db_set(b, c)
{
    if :: HAS(WANT(b), 0) -> claim[0] = c :: else -> skip fi;
    if :: HAS(WANT(b), 1) -> claim[1] = c :: else -> skip fi
}

inline db_hold(h, b, r)
{
    if
    :: hst[h] == H_NONE && (!HAS(WANT(b), 0) || DB_CLAIMABLE(0)) && (!HAS(WANT(b), 1) || DB_CLAIMABLE(1)) ->
        /* every claim inserted or taken over: the row count equals the hold's seat count */
        if :: HAS(WANT(b), 0) -> claim[0] = HELD(h) :: else -> skip fi;
        if :: HAS(WANT(b), 1) -> claim[1] = HELD(h) :: else -> skip fi;
        hst[h] = H_LIVE; r = R_OK; printf("  db: hold %d claims its seats\n", h)
    :: else -> r = R_REFUSED; printf("  db: hold %d refused\n", h)   /* short: rolled back alone */
    fi
}

/* The key first (the idempotency_keys row of an earlier attempt that committed), then
 * UPDATE holds SET state = 'purchased' WHERE id = H AND state = 'live' AND expires_at > now, and
 * UPDATE seat_claims ... WHERE hold_id = H with its row count checked against the hold's seats. */
inline db_purchase(h, b, r)
{
    if
    :: bk[b] != B_NONE -> r = R_OK; printf("  db: buyer %d's key finds its booking\n", b)   /* the earlier attempt's */
    :: else ->
#ifdef BROKEN_TAKEOVER
        /* trusts memory: no state, expiry or row count check */
        if :: HAS(WANT(b), 0) && claim[0] == HELD(h) -> claim[0] = SOLD(b) :: else -> skip fi;
        if :: HAS(WANT(b), 1) && claim[1] == HELD(h) -> claim[1] = SOLD(b) :: else -> skip fi;
        hst[h] = H_PURCHASED; bk[b] = B_CONFIRMED; r = R_OK;
        printf("  db: hold %d becomes buyer %d's booking (seat claims now %d %d)\n", h, b, claim[0], claim[1])
#else
        if
        :: hst[h] == H_LIVE && !hexp[h] && DB_ALL(b, HELD(h)) ->
            db_set(b, SOLD(b));
            hst[h] = H_PURCHASED; bk[b] = B_CONFIRMED; r = R_OK;
            printf("  db: hold %d becomes buyer %d's booking\n", h, b)
        :: else -> r = R_REFUSED; printf("  db: the purchase of hold %d refused\n", h)
        fi
#endif
    fi
}

/* A release: UPDATE holds ... WHERE state = 'live', then DELETE FROM seat_claims WHERE hold_id. */
inline db_release(h, b, r)
{
    if
    :: hst[h] == H_LIVE ->
        hst[h] = H_RELEASED;
        if :: claim[0] == HELD(h) -> claim[0] = FREE :: else -> skip fi;
        if :: claim[1] == HELD(h) -> claim[1] = FREE :: else -> skip fi;
        r = R_OK; printf("  db: hold %d released\n", h)
    :: else -> r = R_REFUSED; printf("  db: the release of hold %d refused\n", h)
    fi
}

/* A cancellation: UPDATE bookings ... WHERE state = 'confirmed', DELETE ... WHERE booking_code. */
inline db_cancel(b, r)
{
    if
    :: bk[b] == B_CONFIRMED ->
        bk[b] = B_CANCELLED;
        if :: claim[0] == SOLD(b) -> claim[0] = FREE :: else -> skip fi;
        if :: claim[1] == SOLD(b) -> claim[1] = FREE :: else -> skip fi;
        r = R_OK; printf("  db: buyer %d's booking cancelled\n", b)
    :: else -> r = R_REFUSED; printf("  db: the cancellation of buyer %d's booking refused\n", b)
    fi
}

/* The batch's transaction, all of it one atomic step. The kinds run in PostgresSeatBatch's order:
 * releases and cancellations free seats before holds claim them, purchases last. */
inline db_batch(n)
{
    k = K_RELEASE;
    do
    :: k == K_RELEASE -> j = 0;
        do
        :: j < NB -> if :: pin[SLOT(n, j)] && pk[SLOT(n, j)] == K_RELEASE -> db_release(ph[SLOT(n, j)], j, pres[SLOT(n, j)]) :: else -> skip fi; j++
        :: else -> break
        od; k = K_CANCEL
    :: k == K_CANCEL -> j = 0;
        do
        :: j < NB -> if :: pin[SLOT(n, j)] && pk[SLOT(n, j)] == K_CANCEL -> db_cancel(j, pres[SLOT(n, j)]) :: else -> skip fi; j++
        :: else -> break
        od; k = K_HOLD
    :: k == K_HOLD -> j = 0;
        do
        :: j < NB -> if :: pin[SLOT(n, j)] && pk[SLOT(n, j)] == K_HOLD -> db_hold(ph[SLOT(n, j)], j, pres[SLOT(n, j)]) :: else -> skip fi; j++
        :: else -> break
        od; k = K_PURCHASE
    :: k == K_PURCHASE -> j = 0;
        do
        :: j < NB -> if :: pin[SLOT(n, j)] && pk[SLOT(n, j)] == K_PURCHASE -> db_purchase(ph[SLOT(n, j)], j, pres[SLOT(n, j)]) :: else -> skip fi; j++
        :: else -> break
        od; k = K_NONE
    :: else -> break
    od;
    k = 0; j = 0
}

/* ---------------------------------------------------------------------------------------------
 * The group-commit writer of node n (SeatAllocator+GroupCommit). It takes every decision made
 * so far into one batch, writes it in one transaction and acts on the outcome: it answers the
 * calls still waiting for it (a call whose entry or client gave up is not waiting any more), and
 * forgets the showtime if any request was refused or the outcome is unknown. Decisions made
 * while a transaction is in flight wait for the next batch.
 */
inline unknown_outcome(n)
{
    if :: pin[SLOT(n, 0)] -> pres[SLOT(n, 0)] = R_UNAVAILABLE :: else -> skip fi;
    if :: pin[SLOT(n, 1)] -> pres[SLOT(n, 1)] = R_UNAVAILABLE :: else -> skip fi
}

inline deliver(n)
{
    j = 0;
    do
    :: j < NB ->
        if
        :: pin[SLOT(n, j)] ->
            if
            :: pres[SLOT(n, j)] != R_OK -> forget(n)
            :: else -> skip
            fi;
            if
            :: cst[j] == C_PENDING && at[j] == n ->
                if
                :: pres[SLOT(n, j)] == R_OK -> ANSWER(j, A_OK)
                :: pres[SLOT(n, j)] == R_REFUSED ->
                    false_refusal = false_refusal ||
                        ((pk[SLOT(n, j)] == K_PURCHASE || pk[SLOT(n, j)] == K_CANCEL) && bk[j] == B_CONFIRMED);
                    ANSWER(j, A_ERROR)
                :: else -> ANSWER(j, A_UNAVAILABLE)
                fi
            :: else -> skip
            fi;
            pk[SLOT(n, j)] = K_NONE; ph[SLOT(n, j)] = 0; pin[SLOT(n, j)] = 0; pres[SLOT(n, j)] = R_NONE
        :: else -> skip
        fi;
        j++
    :: else -> break
    od;
    j = 0;
    wst[n] = W_IDLE
}

proctype writer(byte n)
{
    byte j, k;
end_idle:
    do
    :: atomic {
        st[n] == UP && wst[n] == W_IDLE && (pk[SLOT(n, 0)] != K_NONE || pk[SLOT(n, 1)] != K_NONE) ->
            pin[SLOT(n, 0)] = (pk[SLOT(n, 0)] != K_NONE);
            pin[SLOT(n, 1)] = (pk[SLOT(n, 1)] != K_NONE);
            if
            :: printf("node %d writes a batch\n", n);
                d_step { db_batch(n) }              /* committed, and the node hears so */
            :: faults > 0 ->                       /* failed as a whole: nothing written */
                faults--; unknown_outcome(n); printf("node %d: its batch's transaction fails\n", n)
            :: faults > 0 ->                       /* COMMIT happened, its answer was lost */
                faults--; printf("node %d writes a batch (its COMMIT's answer will be lost)\n", n);
                d_step { db_batch(n) }; unknown_outcome(n)
            :: faults > 0 ->                       /* the node pauses with the batch in flight */
                faults--; st[n] = PAUSED; wst[n] = W_SENT;
                printf("node %d pauses with a batch in flight\n", n)
            fi;
            if :: wst[n] == W_IDLE -> deliver(n) :: else -> skip fi
       }
    :: atomic {
        /* A paused node's transaction reaches its end in the database, while the node is still
         * paused or after it resumed: it commits, or the database kills it (nothing written). */
        wst[n] == W_SENT && st[n] != DOWN ->
            if
            :: printf("node %d's batch in flight reaches the database (node %d is %d: 0 up, 1 paused)\n", n, n, st[n]);
                d_step { db_batch(n) }
            :: unknown_outcome(n); printf("node %d's batch in flight is killed by the database\n", n)
            fi;
            wst[n] = W_DONE
       }
    :: atomic { wst[n] == W_DONE && st[n] == UP -> deliver(n) }
    od
}

/* ---------------------------------------------------------------------------------------------
 * Node n's heartbeat (every second): writes its row, reads the live set (its view). If its last
 * successful heartbeat is older than 3 s, others may have taken its showtimes: forget them all.
 */
proctype heartbeat(byte n)
{
end_beat:
    do
    :: atomic {
        st[n] == UP && (lapsed[n] || !((tlive >> n) & 1) || view[n] != tlive) ->
            if :: lapsed[n] -> forget(n); lapsed[n] = 0 :: else -> skip fi;
            tlive = tlive | (1 << n);
            set_view(n, tlive);
            printf("node %d heartbeats: its view is %d (bit 0 A, bit 1 B)\n", n, tlive)
       }
    od
}

/* ---------------------------------------------------------------------------------------------
 * Node n serving the calls that reach it. One process serves both buyers: under weak fairness a
 * running node with a call waiting serves some call, and it cannot serve one buyer forever while
 * the other waits, since each call it serves leaves the node (answered or in the batch) and
 * that buyer's next call needs steps of other processes first.
 */
proctype server(byte n)
{
end_serve:
    do
    :: atomic { st[n] == UP && cst[0] == C_AT && at[0] == n -> serve(n, 0) }
    :: atomic { st[n] == UP && cst[1] == C_AT && at[1] == n -> serve(n, 1) }
    od
}

/* ---------------------------------------------------------------------------------------------
 * A call of buyer b: HAProxy picks an entry; the entry forwards it to the owner in the entry's
 * view; the client waits for the answer or gives up (UNAVAILABLE) when a node on its path is not
 * running: the entry's forward timed out or its connection broke, or the client's own did.
 */
inline route(b, e)
{
    o = OWNER(view[e]);
    if
    :: o == e || (o != 255 && st[o] != DOWN) -> at[b] = o; cst[b] = C_AT;
        printf("buyer %d: call %d (hold %d) enters at node %d, goes to node %d\n", b, ck[b], ch[b], e, o)
    :: else ->
        /* Connection refused: read the live set again and retry once at the new owner. */
        set_view(e, tlive);
        o = OWNER(view[e]);
        if
        :: o == e || (o != 255 && st[o] != DOWN) -> at[b] = o; cst[b] = C_AT;
            printf("buyer %d: call %d (hold %d) enters at node %d, refused by its owner, goes to node %d\n", b, ck[b], ch[b], e, o)
        :: else -> ANSWER(b, A_UNAVAILABLE)
        fi
    fi;
    o = 0
}

inline start_call(b)
{
    if
    :: st[0] != DOWN -> ent[b] = 0
    :: st[1] != DOWN -> ent[b] = 1
    :: st[0] == DOWN && st[1] == DOWN -> ANSWER(b, A_UNAVAILABLE)   /* HAProxy: 503 */
    fi;
    if
    :: cst[b] == C_NONE && st[ent[b]] == UP -> route(b, ent[b])
    :: cst[b] == C_NONE && st[ent[b]] == PAUSED -> ANSWER(b, A_UNAVAILABLE)   /* client timeout */
    :: else -> skip
    fi
}

/* What buyer b does next with the answer to its call. */
inline next(b)
{
    if
    :: ck[b] == K_SEATMAP ->
        if
        :: cans[b] == A_OK -> ck[b] = K_HOLD
        :: else -> skip                                     /* UNAVAILABLE: again */
        fi
    :: ck[b] == K_HOLD ->
        if
        :: cans[b] == A_OK -> ck[b] = K_PURCHASE
        :: cans[b] == A_OK && b == 1 -> ck[b] = K_RELEASE
        :: cans[b] == A_ERROR -> ck[b] = K_NONE
        :: cans[b] == A_UNAVAILABLE && b == 0 && ch[b] == 0 -> ch[b] = 1       /* a new hold */
        :: cans[b] == A_UNAVAILABLE && (b == 1 || ch[b] == 1) -> ck[b] = K_NONE /* gives up */
        fi
    :: ck[b] == K_PURCHASE ->
        if
        :: cans[b] == A_OK -> told[b] = 1; ck[b] = K_NONE
        :: cans[b] == A_OK && b == 0 -> told[b] = 1; cancelling[b] = 1; ck[b] = K_CANCEL; ch[b] = 0
        :: cans[b] == A_ERROR -> ck[b] = K_NONE
        :: cans[b] == A_UNAVAILABLE -> skip                 /* the same idempotency key again */
        fi
    :: else ->                                              /* a cancellation or a release */
        if
        :: cans[b] == A_UNAVAILABLE -> skip
        :: else -> ck[b] = K_NONE
        fi
    fi;
    if :: ck[b] == K_NONE -> ch[b] = 0; fin[b] = 1 :: else -> skip fi
}

/* ---------------------------------------------------------------------------------------------
 * Buyer b: hold, then buy (buyer 0 may cancel after) or (buyer 1) release. A hold answered
 * UNAVAILABLE is tried once more, under a new hold id (hold ids are the server's); a purchase,
 * release or cancellation answered UNAVAILABLE is retried until it is answered for good, a
 * purchase with the same idempotency key. Each call: HAProxy picks an entry, the entry forwards
 * it to the owner in its own view; the client waits for the answer or, when a node on the
 * call's path is not running, gets UNAVAILABLE (the entry's forward timed out or its
 * connection broke, or the client's own did).
 */
proctype buyer(byte b)
{
    byte o;
    atomic { ck[b] = (b == 1 -> K_SEATMAP : K_HOLD); ch[b] = 2 * b };
end_shop:
    do
    :: atomic { ck[b] != K_NONE && cst[b] == C_NONE -> start_call(b) }
    :: atomic {
        cst[b] == C_ANSWERED || ((cst[b] == C_AT || cst[b] == C_PENDING) && (st[at[b]] != UP || st[ent[b]] != UP)) ->
            /* No answer is coming in time: UNAVAILABLE. A decision already in a batch stays
             * there and may still commit; its answer then finds nobody waiting. */
            if :: cst[b] != C_ANSWERED -> cans[b] = A_UNAVAILABLE; printf("  buyer %d times out: UNAVAILABLE\n", b) :: else -> skip fi;
            next(b);
            cst[b] = C_NONE; cans[b] = 0; at[b] = 0; ent[b] = 0
       }
    od
}

/* ---------------------------------------------------------------------------------------------
 * Faults of node n.
 */
inline crash(n)
{
    if
    :: wst[n] == W_SENT -> d_step { db_batch(n) }  /* its COMMIT had reached the database */
    :: wst[n] == W_IDLE && (pk[SLOT(n, 0)] != K_NONE || pk[SLOT(n, 1)] != K_NONE) ->
        /* the decisions in memory were being written: that transaction committed */
        pin[SLOT(n, 0)] = (pk[SLOT(n, 0)] != K_NONE);
        pin[SLOT(n, 1)] = (pk[SLOT(n, 1)] != K_NONE);
        d_step { db_batch(n) }
    :: true -> skip                                /* nothing of it reached the database */
    fi;
    /* Its connections break: the calls it had (as entry or owner) are answered UNAVAILABLE by
     * the entry, or seen failing by the client. */
    if :: (cst[0] == C_AT || cst[0] == C_PENDING) && (at[0] == n || ent[0] == n) -> ANSWER(0, A_UNAVAILABLE) :: else -> skip fi;
    if :: (cst[1] == C_AT || cst[1] == C_PENDING) && (at[1] == n || ent[1] == n) -> ANSWER(1, A_UNAVAILABLE) :: else -> skip fi;
    st[n] = DOWN; forget(n); wst[n] = W_IDLE; lapsed[n] = 0;
    pk[SLOT(n, 0)] = K_NONE; ph[SLOT(n, 0)] = 0; pin[SLOT(n, 0)] = 0; pres[SLOT(n, 0)] = R_NONE;
    pk[SLOT(n, 1)] = K_NONE; ph[SLOT(n, 1)] = 0; pin[SLOT(n, 1)] = 0; pres[SLOT(n, 1)] = R_NONE;
    MEM(n, 0) = 0; MEM(n, 1) = 0; view[n] = 0
}

inline restart(n)
{
    st[n] = UP;
    tlive = tlive | (1 << n);
    view[n] = tlive
}

/* ---------------------------------------------------------------------------------------------
 * The world: time passing (holds expire, a silent node is presumed dead after 3 s) and faults.
 */
proctype env()
{
    byte j, k;
end_env:
    do
    /* A hold's expires_at passes (by every clock: see README). Only a hold the database has
     * (or had) can expire: a hold's five minutes are far longer than a batch's write. */
    :: atomic { !ALL_DONE && hst[0] != H_NONE && !hexp[0] -> hexp[0] = 1; printf("hold 0 expires\n") }
    :: atomic { !ALL_DONE && hst[1] != H_NONE && !hexp[1] -> hexp[1] = 1; printf("hold 1 expires\n") }
    :: atomic { !ALL_DONE && hst[2] != H_NONE && !hexp[2] -> hexp[2] = 1; printf("hold 2 expires\n") }
    /* A node heard from for 3 s is gone from the live set; a paused one will find it lapsed. */
    :: atomic { st[0] != UP && ((tlive >> 0) & 1) -> tlive = tlive & ~1; lapsed[0] = (st[0] == PAUSED); printf("node 0 is presumed dead\n") }
    :: atomic { st[1] != UP && ((tlive >> 1) & 1) -> tlive = tlive & ~2; lapsed[1] = (st[1] == PAUSED); printf("node 1 is presumed dead\n") }
    /* A node pauses, and later resumes with its memory, view and batch as they were. */
    :: atomic { !ALL_DONE && faults > 0 && st[0] == UP -> faults--; st[0] = PAUSED; printf("node 0 pauses\n") }
    :: atomic { !ALL_DONE && faults > 0 && st[1] == UP -> faults--; st[1] = PAUSED; printf("node 1 pauses\n") }
    :: atomic { st[0] == PAUSED -> st[0] = UP; printf("node 0 resumes\n") }
    :: atomic { st[1] == PAUSED -> st[1] = UP; printf("node 1 resumes\n") }
    /* A node crashes: its memory is lost, its batch in flight committed or not. */
    :: atomic { !ALL_DONE && faults > 0 && st[0] != DOWN -> faults--; printf("node 0 crashes\n"); crash(0) }
    :: atomic { !ALL_DONE && faults > 0 && st[1] != DOWN -> faults--; printf("node 1 crashes\n"); crash(1) }
    /* It restarts and rejoins: registers in the nodes table and reads the live set. */
    :: atomic { st[0] == DOWN -> restart(0); printf("node 0 restarts\n") }
    :: atomic { st[1] == DOWN -> restart(1); printf("node 1 restarts\n") }
    od
}

/* ---------------------------------------------------------------------------------------------
 * Properties (1) and (2), checked in every state.
 */
#define DOUBLE_BOOKED   (bk[0] == B_CONFIRMED && bk[1] == B_CONFIRMED && (WANT(0) & WANT(1)) != 0)
#define KEPT(b)         (!told[b] || cancelling[b] || (bk[b] == B_CONFIRMED && DB_ALL(b, SOLD(b))))

#ifndef LIVENESS
active proctype monitor()
{
end_watch:
    do
    :: atomic { DOUBLE_BOOKED -> seat_in_two_bookings = 1; assert(!seat_in_two_bookings) }
#ifndef ONLY_DOUBLE_BOOKING
    /* (-DONLY_DOUBLE_BOOKING leaves (1) alone, so that a broken variant must show that one) */
    :: atomic { !(KEPT(0) && KEPT(1)) -> told_booking_lost = 1; assert(!told_booking_lost) }
    :: atomic { false_refusal -> assert(!false_refusal) }
#endif
    od
}

#endif

init
{
    atomic {
        tlive = 3; view[0] = 3; view[1] = 3;
        run writer(0); run writer(1);
        run heartbeat(0); run heartbeat(1);
        run server(0); run server(1);
        run env();
        run buyer(0); run buyer(1)
    }
}

/* (3) under weak fairness: each call a buyer has out is answered (a call is out while it waits
 * at a node or in its batch), and each buyer's script ends: its retries do not go on forever. */
#define WAITING(b)      (cst[b] == C_AT || cst[b] == C_PENDING)
ltl answered { [] (WAITING(0) -> <> !WAITING(0)) && [] (WAITING(1) -> <> !WAITING(1)) }
ltl finished { <> (fin[0] && fin[1]) }
