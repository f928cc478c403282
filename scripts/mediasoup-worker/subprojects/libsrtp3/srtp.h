/*
 * libsrtp3's API on top of Debian's libsrtp2, for mediasoup's worker.
 *
 * mediasoup 3.19 is written against libsrtp3, which Debian 12 does not ship.
 * The differences it touches are small: libsrtp3 protects from an input buffer
 * into a separate output buffer with size_t lengths, libsrtp2 works in place
 * with int lengths; one function was renamed; two error codes were added.
 * The cryptography is libsrtp2's, unchanged.
 */
#ifndef PARLEY_SRTP3_COMPAT_H
#define PARLEY_SRTP3_COMPAT_H

#include <limits.h>
#include <stddef.h>
#include <string.h>
#include <srtp2/srtp.h>

#define srtp_err_status_buffer_small ((srtp_err_status_t)28)
#define srtp_err_status_cryptex_err ((srtp_err_status_t)29)

/* Copies `in` to `out` when they differ and checks `out` can hold the trailer. */
static inline srtp_err_status_t parley_srtp3_prepare(const uint8_t *in, size_t in_len, uint8_t *out,
                                                     size_t out_capacity, size_t trailer, int *len)
{
    if (in_len > (size_t)INT_MAX - trailer || out_capacity < in_len + trailer)
        return srtp_err_status_buffer_small;
    if (out != in)
        memmove(out, in, in_len);
    *len = (int)in_len;
    return srtp_err_status_ok;
}

static inline srtp_err_status_t parley_srtp3_protect(srtp_t ctx, const uint8_t *rtp, size_t rtp_len,
                                                     uint8_t *srtp, size_t *srtp_len, size_t mki_index)
{
    int len;
    srtp_err_status_t err;
    (void)mki_index; /* mediasoup never uses MKI */
    err = parley_srtp3_prepare(rtp, rtp_len, srtp, *srtp_len, SRTP_MAX_TRAILER_LEN, &len);
    if (err != srtp_err_status_ok)
        return err;
    err = srtp_protect(ctx, srtp, &len);
    *srtp_len = (size_t)len;
    return err;
}

static inline srtp_err_status_t parley_srtp3_unprotect(srtp_t ctx, const uint8_t *srtp, size_t srtp_len,
                                                       uint8_t *rtp, size_t *rtp_len)
{
    int len;
    srtp_err_status_t err = parley_srtp3_prepare(srtp, srtp_len, rtp, *rtp_len, 0, &len);
    if (err != srtp_err_status_ok)
        return err;
    err = srtp_unprotect(ctx, rtp, &len);
    *rtp_len = (size_t)len;
    return err;
}

static inline srtp_err_status_t parley_srtp3_protect_rtcp(srtp_t ctx, const uint8_t *rtcp, size_t rtcp_len,
                                                          uint8_t *srtcp, size_t *srtcp_len, size_t mki_index)
{
    int len;
    srtp_err_status_t err;
    (void)mki_index; /* mediasoup never uses MKI */
    /* SRTCP adds the 4-byte E flag + index on top of the auth tag. */
    err = parley_srtp3_prepare(rtcp, rtcp_len, srtcp, *srtcp_len, SRTP_MAX_TRAILER_LEN + 4, &len);
    if (err != srtp_err_status_ok)
        return err;
    err = srtp_protect_rtcp(ctx, srtcp, &len);
    *srtcp_len = (size_t)len;
    return err;
}

static inline srtp_err_status_t parley_srtp3_unprotect_rtcp(srtp_t ctx, const uint8_t *srtcp, size_t srtcp_len,
                                                            uint8_t *rtcp, size_t *rtcp_len)
{
    int len;
    srtp_err_status_t err = parley_srtp3_prepare(srtcp, srtcp_len, rtcp, *rtcp_len, 0, &len);
    if (err != srtp_err_status_ok)
        return err;
    err = srtp_unprotect_rtcp(ctx, rtcp, &len);
    *rtcp_len = (size_t)len;
    return err;
}

/* Defined after the wrappers so that their bodies still call libsrtp2. */
#define srtp_protect parley_srtp3_protect
#define srtp_unprotect parley_srtp3_unprotect
#define srtp_protect_rtcp parley_srtp3_protect_rtcp
#define srtp_unprotect_rtcp parley_srtp3_unprotect_rtcp
#define srtp_stream_remove srtp_remove_stream

#endif
