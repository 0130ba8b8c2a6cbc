#!/usr/bin/env escript
%%! +S 1 +A 0 +sbwt none +sbwtdcpu none +sbwtdio none
%% The Erlang side of tools/bench/src/supervisor.ts: the same work, measured the same way.
%% One scheduler (+S 1), as a Node process runs JavaScript on one thread.
%% Usage: escript supervisor.escript restart N | dynamic N
%% Prints one line: <case> <operations> <cpu ms> <wall ms>
-module(supervisor_bench).
-mode(compile).
-behaviour(supervisor).
-export([main/1, init/1, start_worker/1, start_dyn/0]).

init(one_for_one) ->
    {ok, {#{strategy => one_for_one, intensity => 1000000000, period => 1},
          [#{id => w, start => {?MODULE, start_worker, [self_pid()]}, restart => permanent, shutdown => 5000}]}};
init(dynamic) ->
    {ok, {#{strategy => simple_one_for_one, intensity => 1000000000, period => 1},
          [#{id => d, start => {?MODULE, start_dyn, []}, restart => permanent, shutdown => 5000}]}}.

self_pid() -> persistent_term:get(bench).

%% A worker that reports when it is up and crashes when told to.
start_worker(Bench) ->
    Pid = spawn_link(fun() -> Bench ! {up, self()}, receive crash -> exit(boom) end end),
    {ok, Pid}.

start_dyn() ->
    {ok, spawn_link(fun() -> receive stop -> ok end end)}.

measure(F) ->
    {_, _} = erlang:statistics(runtime),
    T0 = erlang:monotonic_time(microsecond),
    R = F(),
    {_, Cpu} = erlang:statistics(runtime),
    Wall = (erlang:monotonic_time(microsecond) - T0) / 1000,
    {R, Cpu, Wall}.

crash_loop(_, 0) -> ok;
crash_loop(Pid, N) ->
    Pid ! crash,
    receive {up, New} -> crash_loop(New, N - 1) end.

main(Args) ->
    logger:set_primary_config(level, none), % a report per crash would be the cost measured
    run(Args).

run(["restart", NS]) ->
    N = list_to_integer(NS),
    process_flag(trap_exit, true),
    persistent_term:put(bench, self()),
    {ok, Sup} = supervisor:start_link(?MODULE, one_for_one),
    First = receive {up, P} -> P end,
    {ok, Cpu, Wall} = measure(fun() -> crash_loop(First, N) end),
    io:format("restart ~b ~b ~.3f~n", [N, Cpu, Wall]),
    unlink(Sup), exit(Sup, shutdown);
run(["dynamic", NS]) ->
    N = list_to_integer(NS),
    process_flag(trap_exit, true),
    {ok, Sup} = supervisor:start_link(?MODULE, dynamic),
    {Pids, Cpu1, Wall1} = measure(fun() -> [element(2, supervisor:start_child(Sup, [])) || _ <- lists:seq(1, N)] end),
    N = length(supervisor:which_children(Sup)),
    {_, Cpu2, Wall2} = measure(fun() -> [ok = supervisor:terminate_child(Sup, P) || P <- Pids] end),
    0 = length(supervisor:which_children(Sup)),
    io:format("dynamic_start ~b ~b ~.3f~n", [N, Cpu1, Wall1]),
    io:format("dynamic_stop ~b ~b ~.3f~n", [N, Cpu2, Wall2]),
    unlink(Sup), exit(Sup, shutdown).
