//! Frontier URLs handed to workers under leases (`FOR UPDATE SKIP LOCKED`).
