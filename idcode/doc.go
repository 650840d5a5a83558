// Package idcode validates, normalizes and masks the Chinese identifiers
// people type into the platform's forms: 居民身份证号, 统一社会信用代码,
// mobile numbers and administrative division codes.
//
// Each validator checks the normalized form of its input, so " 11010519491231002x "
// is accepted; store the result of the matching Normalize function. Errors
// are plain errors whose message is a Chinese sentence fit to show to the
// person who typed the value; callers attach the form field themselves.
package idcode
