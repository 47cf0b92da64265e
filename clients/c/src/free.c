/* The public free functions. Each accepts NULL and half-built results (see convert.c). */
#include <stdlib.h>

#include "internal.h"

static void free_strs(char **s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(s[i]);
    free(s);
}

static void clear_address(bo_address *a)
{
    free(a->street);
    free(a->city);
    free(a->state);
    free(a->zip);
}

static void clear_theatre(bo_theatre *t)
{
    free(t->chain);
    free(t->name);
    clear_address(&t->address);
    free(t->time_zone);
}

static void clear_screen(bo_screen *s)
{
    free(s->name);
    for (size_t r = 0; r < s->row_count; r++) {
        bo_seat_row *row = &s->rows[r];
        free(row->label);
        for (size_t i = 0; i < row->seat_count; i++)
            free(row->seats[i].label);
        free(row->seats);
    }
    free(s->rows);
}

static void clear_movie(bo_movie *m)
{
    free(m->title);
    free(m->rating);
    free_strs(m->genres, m->genre_count);
    free(m->release_date);
}

static void clear_showtime(bo_showtime *s)
{
    free(s->theatre_name);
    free(s->movie_title);
    free(s->screen_name);
    free(s->starts_at_local);
    free(s->time_zone);
    free(s->language);
    clear_address(&s->theatre_address);
}

static void free_tickets(bo_ticket *t, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(t[i].seat);
    free(t);
}

static void clear_hold(bo_hold *h)
{
    free(h->hold_id);
    free_strs(h->seats, h->seat_count);
    clear_showtime(&h->showtime);
}

static void clear_review(bo_review *r)
{
    free(r->review);
    free(r->reviewer_name);
}

static void clear_booking(bo_booking *b)
{
    free(b->code);
    clear_showtime(&b->showtime);
    free_tickets(b->tickets, b->ticket_count);
    free(b->card_brand);
    free(b->card_last4);
    free(b->tax_state);
}

void bo_info_free(bo_info *info)
{
    if (info == NULL)
        return;
    free(info->version);
    free(info->catalogue.first_date);
    free(info->catalogue.last_date);
    free(info);
}

void bo_theatres_free(bo_theatres *t)
{
    if (t == NULL)
        return;
    for (size_t i = 0; i < t->count; i++)
        clear_theatre(&t->items[i].theatre);
    free(t->items);
    free(t->next_page_token);
    free(t);
}

void bo_movies_free(bo_movies *m)
{
    if (m == NULL)
        return;
    for (size_t i = 0; i < m->count; i++)
        clear_movie(&m->items[i]);
    free(m->items);
    free(m->next_page_token);
    free(m);
}

void bo_showtimes_free(bo_showtimes *s)
{
    if (s == NULL)
        return;
    for (size_t i = 0; i < s->count; i++)
        clear_showtime(&s->items[i]);
    free(s->items);
    free(s->next_page_token);
    free(s);
}

void bo_screens_free(bo_screens *s)
{
    if (s == NULL)
        return;
    clear_theatre(&s->theatre);
    for (size_t i = 0; i < s->count; i++)
        clear_screen(&s->items[i]);
    free(s->items);
    free(s->next_page_token);
    free(s);
}

void bo_seat_map_free(bo_seat_map *m)
{
    if (m == NULL)
        return;
    clear_showtime(&m->showtime);
    clear_screen(&m->screen);
    free(m);
}

void bo_session_free(bo_session *s)
{
    if (s == NULL)
        return;
    free(s->token);
    free(s->name);
    free(s->email);
    free(s);
}

void bo_account_free(bo_account *a)
{
    if (a == NULL)
        return;
    free(a->name);
    free(a->email);
    free(a);
}

void bo_hold_free(bo_hold *hold)
{
    if (hold == NULL)
        return;
    clear_hold(hold);
    free(hold);
}

void bo_holds_free(bo_holds *holds)
{
    if (holds == NULL)
        return;
    for (size_t i = 0; i < holds->count; i++)
        clear_hold(&holds->items[i]);
    free(holds->items);
    free(holds);
}

void bo_released_free(bo_released *r)
{
    if (r == NULL)
        return;
    free_strs(r->seats, r->count);
    free(r);
}

void bo_booking_free(bo_booking *b)
{
    if (b == NULL)
        return;
    clear_booking(b);
    free(b);
}

void bo_bookings_free(bo_bookings *b)
{
    if (b == NULL)
        return;
    for (size_t i = 0; i < b->count; i++)
        clear_booking(&b->items[i]);
    free(b->items);
    free(b->next_page_token);
    free(b);
}

void bo_quote_free(bo_quote *q)
{
    if (q == NULL)
        return;
    free(q->hold_id);
    clear_showtime(&q->showtime);
    free_tickets(q->tickets, q->ticket_count);
    free(q->tax_state);
    free(q);
}

void bo_review_free(bo_review *r)
{
    if (r == NULL)
        return;
    clear_review(r);
    free(r);
}

void bo_reviews_free(bo_reviews *r)
{
    if (r == NULL)
        return;
    clear_movie(&r->movie);
    for (size_t i = 0; i < r->count; i++)
        clear_review(&r->items[i]);
    free(r->items);
    free(r->next_page_token);
    free(r);
}
