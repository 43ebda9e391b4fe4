/*
 * mq_readex.c - ReadMsgQueueEx: the writer's token, and the same rules as
 * ReadMsgQueue otherwise.
 */
#include "mq_test.h"

#include <string.h>

/* The user SID of a token, copied into buf; NULL if it cannot be read. */
static PSID token_user_sid(HANDLE token, BYTE *buf, DWORD size, DWORD *err)
{
    DWORD needed = 0;
    SetLastError(0xdeadbeef);
    if (!GetTokenInformation(token, TokenUser, buf, size, &needed)) {
        *err = GetLastError();
        return NULL;
    }
    *err = 0;
    return ((TOKEN_USER *)buf)->User.Sid;
}

CETEST(mq_readex, null_phTok_reads_like_ReadMsgQueue)
{
    HANDLE r, w;
    REQUIRE(MQ_PAIR(NULL, 0, 4, 64, &r, &w));
    MQ_EXPECT_WRITE(w, "plain", 0);
    MQ_EXPECT_WRITE(w, "alert", MSGQUEUE_MSGALERT);
    char buf[64];
    DWORD n = 0xdeadbeef, flags = 0xdeadbeef;
    SetLastError(0xdeadbeef);
    BOOL ok = ReadMsgQueueEx(r, buf, sizeof(buf), &n, 0, &flags, NULL);
    DWORD err = GetLastError();
    CHECK(ok);
    CHECK_EQ(err, ERROR_SUCCESS);
    CHECK_EQ(n, 5);
    CHECK_EQ(flags, MSGQUEUE_MSGALERT);
    CHECK_MEM_EQ(buf, "alert", 5);
    SetLastError(0xdeadbeef);
    ok = ReadMsgQueueEx(r, buf, 2, &n, 0, &flags, NULL);
    err = GetLastError();
    CHECK(ok);
    CHECK_EQ(err, ERROR_INSUFFICIENT_BUFFER);
    CHECK_EQ(n, 2);
    CHECK_MEM_EQ(buf, "pl", 2);
    SetLastError(0xdeadbeef);
    ok = ReadMsgQueueEx(r, buf, sizeof(buf), &n, 100, &flags, NULL);
    err = GetLastError();
    CHECK(!ok);
    CHECK_EQ(err, ERROR_TIMEOUT);
    MQ_CLOSE(w);
    MQ_CLOSE(r);
}

CETEST(mq_readex, parameter_validation)
{
    HANDLE r, w;
    REQUIRE(MQ_PAIR(NULL, 0, 4, 64, &r, &w));
    MQ_EXPECT_WRITE(w, "kept", 0);
    char buf[64];
    DWORD n, flags;
    HANDLE tok = (HANDLE)0xdeadbeef;
    struct { void *buf; DWORD size; DWORD *n; DWORD *flags; } cases[] = {
        { NULL, sizeof(buf), &n, &flags },
        { buf, 0, &n, &flags },
        { buf, sizeof(buf), NULL, &flags },
        { buf, sizeof(buf), &n, NULL },
    };
    for (int i = 0; i < 4; i++) {
        SetLastError(0xdeadbeef);
        BOOL ok = ReadMsgQueueEx(r, cases[i].buf, cases[i].size, cases[i].n, 0, cases[i].flags, &tok);
        DWORD err = GetLastError();
        CHECK_MSG(!ok, "case %d", i);
        CHECK_MSG(err == ERROR_INVALID_PARAMETER, "case %d: last error %lu", i, err);
    }
    /* Write end, bad handle. */
    SetLastError(0xdeadbeef);
    BOOL ok = ReadMsgQueueEx(w, buf, sizeof(buf), &n, 0, &flags, NULL);
    DWORD err = GetLastError();
    CHECK(!ok);
    CHECK_EQ(err, ERROR_INVALID_HANDLE);
    SetLastError(0xdeadbeef);
    ok = ReadMsgQueueEx((HANDLE)0x1234, buf, sizeof(buf), &n, 0, &flags, NULL);
    err = GetLastError();
    CHECK(!ok);
    CHECK_EQ(err, ERROR_INVALID_HANDLE);
    MQ_EXPECT_READ(r, "kept", 0);
    MQ_CLOSE(w);
    MQ_CLOSE(r);
}

CETEST(mq_readex, token_of_a_writer_in_this_process)
{
    HANDLE r, w;
    WCHAR name[MQ_NAME_CHARS];
    REQUIRE(MQ_PAIR(cetest_unique_name(L"mq", name, MQ_NAME_CHARS), 0, 4, 64, &r, &w));
    MQ_EXPECT_WRITE(w, "who", 0);
    char buf[64];
    DWORD n = 0, flags = 0xdeadbeef;
    HANDLE tok = (HANDLE)0xdeadbeef;
    SetLastError(0xdeadbeef);
    BOOL ok = ReadMsgQueueEx(r, buf, sizeof(buf), &n, 0, &flags, &tok);
    DWORD err = GetLastError();
    CHECK(ok);
    CHECK_EQ(err, ERROR_SUCCESS);
    CHECK_EQ(n, 3);
    CHECK_EQ(flags, 0);
    CHECK_PTR_NE(tok, (HANDLE)0xdeadbeef);
    CHECK_PTR_NE(tok, NULL);
    if (tok && tok != (HANDLE)0xdeadbeef) {
        BYTE theirs[256], mine[256];
        PSID sid = token_user_sid(tok, theirs, sizeof(theirs), &err);
        CHECK_MSG(sid != NULL, "GetTokenInformation(TokenUser) on the token: error %lu", err);
        HANDLE own;
        if (CHECK(OpenProcessToken(GetCurrentProcess(), TOKEN_QUERY, &own))) {
            PSID my_sid = token_user_sid(own, mine, sizeof(mine), &err);
            CHECK(my_sid != NULL);
            if (sid && my_sid)
                CHECK_MSG(EqualSid(sid, my_sid), "the token's user is not this process's user");
            CloseHandle(own);
        }
        SetLastError(0xdeadbeef);
        CHECK_MSG(CloseHandle(tok), "CloseHandle(token): error %lu", GetLastError());
    }
    MQ_CLOSE(w);
    MQ_CLOSE(r);
}

CETEST(mq_readex, token_per_message_from_another_thread)
{
    /* A writer thread of this (still running) process: non-NULL token too. */
    HANDLE r, w;
    REQUIRE(MQ_PAIR(NULL, 0, 4, 64, &r, &w));
    mq_call *c = mq_call_start(MQ_OP_WRITE, w, 1000, "thread", 6, 0, 0);
    REQUIRE(c != NULL);
    CHECK(mq_call_finish(c, 3000));
    CHECK_MSG(c->ok, "write: last error %lu", c->err);
    mq_call_free(c);
    MQ_EXPECT_WRITE(w, "main", 0);
    for (int i = 0; i < 2; i++) {
        char buf[64];
        DWORD n = 0, flags = 0xdeadbeef;
        HANDLE tok = (HANDLE)0xdeadbeef;
        SetLastError(0xdeadbeef);
        BOOL ok = ReadMsgQueueEx(r, buf, sizeof(buf), &n, 1000, &flags, &tok);
        DWORD err = GetLastError();
        CHECK_MSG(ok, "read %d: last error %lu", i, err);
        CHECK_EQ(err, ERROR_SUCCESS);
        CHECK_EQ(n, i == 0 ? 6u : 4u);
        CHECK_MSG(tok != NULL && tok != (HANDLE)0xdeadbeef, "read %d: token %p", i, tok);
        if (tok && tok != (HANDLE)0xdeadbeef) {
            BYTE info[256];
            PSID sid = token_user_sid(tok, info, sizeof(info), &err);
            CHECK_MSG(sid != NULL, "read %d: GetTokenInformation: error %lu", i, err);
            CHECK(CloseHandle(tok));
        }
    }
    MQ_CLOSE(w);
    MQ_CLOSE(r);
}
