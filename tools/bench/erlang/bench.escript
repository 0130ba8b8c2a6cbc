#!/usr/bin/env escript
%%! +S 1 +P 5000000
%% The Erlang/OTP anchor of tools/bench/src/dispatch.ts: the same process patterns on one
%% scheduler. Prints one "key value" line per measurement; times are VM CPU time
%% (statistics(runtime)), in microseconds per operation, the median of three runs after a warm-up.
-mode(compile).

main(Args) ->
    Sizes = [list_to_integer(A) || A <- Args],
    [spawn_exit(N) || N <- Sizes],
    ping_pong(200000),
    [idle_memory(N) || N <- Sizes, N >= 100000],
    ok.

cpu_us(F) ->
    erlang:garbage_collect(),
    {_, _} = statistics(runtime),
    R = F(),
    {_, Ms} = statistics(runtime),
    {R, Ms * 1000}.

%% A parent spawns N children; each sends the parent a message and ends; the parent receives all N.
spawn_exit(N) ->
    Reps = max(1, 100000 div N),
    Run = fun() ->
        Self = self(),
        Parent = spawn(fun() -> parent(N, Self) end),
        receive {done, Parent, Got} -> Got end
    end,
    Run(),
    Once = fun() ->
        {Total, Us} = cpu_us(fun() -> lists:sum([Run() || _ <- lists:seq(1, Reps)]) end),
        Total = N * Reps,
        Us / Total
    end,
    io:format("spawn_exit_~p ~.4f~n", [N, median3(Once)]).

parent(N, Report) ->
    Me = self(),
    [spawn(fun() -> Me ! {child, I} end) || I <- lists:seq(1, N)],
    Got = collect(N, 0),
    Report ! {done, self(), Got}.

collect(0, Acc) -> Acc;
collect(K, Acc) -> receive {child, _} -> collect(K - 1, Acc + 1) end.

%% Two processes pass a counter back and forth N times.
ping_pong(N) ->
    Run = fun(K) ->
        Self = self(),
        Pong = spawn(fun pong/0),
        Ping = spawn(fun() -> Self ! {pinged, ping(Pong, K, 0)} end),
        R = receive {pinged, X} -> X end,
        exit(Pong, kill),
        _ = Ping,
        R
    end,
    Run(N div 10),
    Once = fun() ->
        {R, Us} = cpu_us(fun() -> Run(N) end),
        R = N,
        Us / N
    end,
    io:format("ping_pong ~.4f~n", [median3(Once)]).

%% The median of three measurements (the Node side takes the same).
median3(F) ->
    [_, M, _] = lists:sort([F(), F(), F()]),
    M.

ping(_Pong, 0, Acc) -> Acc;
ping(Pong, K, Acc) ->
    Pong ! {ping, self(), Acc},
    receive {pong, V} -> ping(Pong, K - 1, V) end.

pong() ->
    receive {ping, From, V} -> From ! {pong, V + 1}, pong() end.

%% Heap words of N processes parked in receive, in bytes per process.
idle_memory(N) ->
    erlang:garbage_collect(),
    Before = erlang:memory(processes),
    Ps = [spawn(fun() -> receive stop -> ok end end) || _ <- lists:seq(1, N)],
    timer:sleep(100),
    After = erlang:memory(processes),
    [P ! stop || P <- Ps],
    io:format("idle_bytes_~p ~.1f~n", [N, (After - Before) / N]).
