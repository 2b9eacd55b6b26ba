// The rule lives in src/core/sentiment/sentiment-in-words.ts (shared with the sentiment signals).
export {
  SENTIMENT_WORDS,
  type SentimentWord,
  sentimentInWords as sentimentWord,
} from '../sentiment/sentiment-in-words.ts';
