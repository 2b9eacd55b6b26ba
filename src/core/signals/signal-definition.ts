import type { AccountData } from '../data-model/account-data.ts';
import type { SignalCategory } from './signal-category.ts';

/** Where a sub-score of 0..100 comes from: piecewise-linear points (value, subScore), sorted by value. */
export type Thresholds = [number, number][];

export type SignalValue = {
  value: number | string;
  /** Number used for normalisation (defaults to `value` when numeric). */
  numeric?: number;
  detail: string;
  /** 0..1: 1 fresh; fades as the input ages past its validity. Default 1. */
  freshness?: number;
};

export type SignalContext = {
  asOf: string;
  /** Days since 1970 of `asOf`. */
  asOfDay: number;
  /** Text sentiment, −1 (very negative) .. +1 (very positive). */
  sentiment(text: string): number;
  /** Days a CSM sentiment stays valid before it fades (model setting). */
  sentimentValidDays: number;
};

/**
 * A signal: a pure function of an account's data as of a date. Never reads
 * the clock; data after `asOf` must not change it (the caller may pass more).
 * Returns null when not available (no data to judge by).
 */
export type SignalDefinition = {
  id: string;
  label: string;
  category: SignalCategory;
  unit: string;
  /** Look-back window in days (0 when the signal is a point-in-time fact). */
  windowDays: number;
  direction: 'higher-is-better' | 'lower-is-better' | 'target';
  /** Default normalisation to a 0–100 sub-score. */
  thresholds: Thresholds;
  compute(data: AccountData, ctx: SignalContext): SignalValue | null;
};
