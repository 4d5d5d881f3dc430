/**
 * The one fields object through which the row decoder constructs its DATETIME values (timeValue.ts): the DateTime
 * constructor copies a fields object it is given by identity with this one as is, without masking the units outside
 * the qualifier or truncating FRACTION, because the decoder has already done both. Internal: no user can pass it.
 */
export const decodedTimeFields = { year: 0, month: 0, day: 0, hour: 0, minute: 0, second: 0, fraction: 0 }
