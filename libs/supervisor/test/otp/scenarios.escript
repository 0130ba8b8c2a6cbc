#!/usr/bin/env escript
%% OTP 25 semantics oracle for @switchyard/supervisor.
%% Run: escript libs/supervisor/test/otp/scenarios.escript
%% Each scenario prints one line: the scenario name and the observed event list.
%% Events: {start, Id} when a worker starts, {down, Id, Reason} when it ends (seen by a monitor),
%% plus scenario-specific results (which_children, supervisor exit reasons, call results).
-module(scenarios).
-mode(compile).
-behaviour(supervisor).
-export([main/1, init/1, start_worker/2, start_inner/2, start_flaky/2]).

%% ---------------------------------------------------------------- log

log(E) -> log ! {log, E}.

log_loop(Acc) ->
    receive
        {log, E} -> log_loop([E | Acc]);
        {watch, Id, Pid, From} -> erlang:monitor(process, Pid), put(Pid, Id), From ! watched, log_loop(Acc);
        {'DOWN', _, process, Pid, Reason} -> log_loop([{down, get(Pid), Reason} | Acc]);
        {take, From} -> From ! {events, lists:reverse(Acc)}, log_loop([])
    end.

take() ->
    sync(),
    log ! {take, self()},
    receive {events, Es} -> Es end.

%% Let every pending message settle.
sync() -> timer:sleep(30).

%% ---------------------------------------------------------------- workers

%% Behaviour: normal | ignore_shutdown | {fail_start, R}
start_worker(Id, {fail_start, R}) -> log({start_failed, Id}), {error, R};
start_worker(Id, Behaviour) ->
    Parent = self(),
    Pid = spawn_link(fun() ->
        case Behaviour of
            ignore_shutdown -> process_flag(trap_exit, true);
            _ -> ok
        end,
        worker_loop(Id, Parent)
    end),
    register_worker(Id, Pid),
    log({start, Id}),
    watch(Id, Pid),
    {ok, Pid}.

%% Synchronous, so that a worker stopped at once is still seen with its real exit reason.
watch(Id, Pid) ->
    log ! {watch, Id, Pid, self()},
    receive watched -> ok end.

register_worker(Id, Pid) ->
    catch unregister(Id),
    register(Id, Pid).

worker_loop(Id, Parent) ->
    receive
        {crash, R} -> exit(R);
        {'EXIT', Parent, _} -> worker_loop(Id, Parent); % ignore the supervisor's shutdown
        _ -> worker_loop(Id, Parent)
    end.

crash(Id, R) -> whereis(Id) ! {crash, R}, sync().

%% Fails on its Nth start only (counted in a persistent term).
start_flaky(Id, FailOn) ->
    N = persistent_term:get({starts, Id}, 0) + 1,
    persistent_term:put({starts, Id}, N),
    case N of
        FailOn -> log({start_failed, Id}), {error, boom};
        _ -> start_worker(Id, normal)
    end.

%% ---------------------------------------------------------------- supervisor callback

init({Flags, Specs}) -> {ok, {Flags, Specs}};
init({inner, Flags, Specs}) -> {ok, {Flags, Specs}}.

start_inner(Flags, Specs) ->
    {ok, Pid} = supervisor:start_link(?MODULE, {inner, Flags, Specs}),
    log({start, inner}),
    watch(inner, Pid),
    {ok, Pid}.

child(Id) -> child(Id, permanent).
child(Id, Restart) -> child(Id, Restart, normal, 5000).
child(Id, Restart, Behaviour, Shutdown) ->
    #{id => Id, start => {?MODULE, start_worker, [Id, Behaviour]}, restart => Restart, shutdown => Shutdown, type => worker}.

flags(Strategy) -> #{strategy => Strategy, intensity => 10, period => 5}.

start_sup(Flags, Specs) ->
    process_flag(trap_exit, true),
    {ok, Sup} = supervisor:start_link(?MODULE, {Flags, Specs}),
    Sup.

%% Stop the way a parent does (exit reason shutdown) and wait until the supervisor has ended.
stop_sup(Sup) ->
    Mon = erlang:monitor(process, Sup),
    unlink(Sup),
    exit(Sup, shutdown),
    receive {'DOWN', Mon, _, _, _} -> ok end,
    sync().

ids(Sup) -> [{Id, case P of undefined -> undefined; restarting -> restarting; _ when is_pid(P) -> pid end} || {Id, P, _, _} <- supervisor:which_children(Sup)].

print(Name, Es) -> io:format("~s ~w~n", [Name, Es]).

%% ---------------------------------------------------------------- scenarios

main(_) ->
    logger:set_primary_config(level, none), % the supervisor reports would drown the results
    register(log, spawn(fun() -> log_loop([]) end)),
    [strategy(S, Victim) || S <- [one_for_one, one_for_all, rest_for_one], Victim <- [a, b, c]],
    restart_types(),
    siblings_in_group(),
    intensity(),
    shutdown_timeout(),
    shutdown_infinity(),
    nested(),
    restart_failure(),
    start_failure(),
    operations(),
    dynamic(),
    ok.

strategy(S, Victim) ->
    Sup = start_sup(flags(S), [child(a), child(b), child(c)]),
    take(),
    crash(Victim, boom),
    Es = take(),
    stop_sup(Sup),
    Stop = take(),
    print(io_lib:format("~s crash ~s:", [S, Victim]), Es),
    print(io_lib:format("~s stop:", [S]), Stop).

restart_types() ->
    [begin
         Sup = start_sup(flags(one_for_one), [child(a), child(x, Restart)]),
         take(),
         crash(x, Reason),
         Es = take(),
         print(io_lib:format("~s exit ~w:", [Restart, Reason]), Es ++ [{children, ids(Sup)}]),
         stop_sup(Sup), take()
     end || Restart <- [permanent, transient, temporary], Reason <- [normal, shutdown, boom, kill]].

siblings_in_group() ->
    [begin
         Sup = start_sup(flags(S), [child(a), child(t, transient), child(m, temporary), child(z)]),
         take(),
         crash(a, boom),
         Es = take(),
         print(io_lib:format("~s siblings transient+temporary, crash a:", [S]), Es ++ [{children, ids(Sup)}]),
         stop_sup(Sup), take()
     end || S <- [one_for_all, rest_for_one]],
    %% a transient child exiting normally in one_for_all: the others stay
    Sup = start_sup(flags(one_for_all), [child(a), child(t, transient), child(z)]),
    take(),
    crash(t, normal),
    Es = take(),
    print("one_for_all transient normal exit:", Es ++ [{children, ids(Sup)}]),
    %% ...then a crashes: is the stopped transient child started again with the group?
    crash(a, boom),
    Es2 = take(),
    print("one_for_all then crash a (t was stopped):", Es2 ++ [{children, ids(Sup)}]),
    %% a child stopped with terminate_child, then a sibling crashes
    ok = supervisor:terminate_child(Sup, z),
    take(),
    crash(a, boom),
    Es3 = take(),
    print("one_for_all then crash a (z was terminated by terminate_child):", Es3 ++ [{children, ids(Sup)}]),
    stop_sup(Sup), take().

intensity() ->
    [begin
         Sup = start_sup(#{strategy => S, intensity => 2, period => 5}, [child(a), child(b)]),
         Mon = erlang:monitor(process, Sup),
         take(),
         [crash(a, boom) || _ <- lists:seq(1, N)],
         Exit = receive {'DOWN', Mon, _, _, R} -> {sup_exit, R} after 100 -> sup_alive end,
         Es = take(),
         print(io_lib:format("~s intensity 2/5s, ~w crashes:", [S, N]), Es ++ [Exit]),
         case Exit of sup_alive -> stop_sup(Sup), take(); _ -> ok end
     end || S <- [one_for_one, one_for_all], N <- [2, 3]],
    %% defaults: 1 restart in 5 s
    Sup = start_sup(#{strategy => one_for_one}, [child(a)]),
    Mon = erlang:monitor(process, Sup),
    take(),
    crash(a, boom), crash(a, boom),
    Exit = receive {'DOWN', Mon, _, _, R} -> {sup_exit, R} after 100 -> sup_alive end,
    print("default intensity, 2 crashes:", take() ++ [Exit]),
    %% restarts older than the period no longer count (period 1 s, limit 1)
    Sup2 = start_sup(#{strategy => one_for_one, intensity => 1, period => 1}, [child(a)]),
    Mon2 = erlang:monitor(process, Sup2),
    take(),
    crash(a, boom), timer:sleep(2100), crash(a, boom),
    Exit2 = receive {'DOWN', Mon2, _, _, R2} -> {sup_exit, R2} after 100 -> sup_alive end,
    print("intensity 1/1s, crashes 2.1 s apart:", take() ++ [Exit2]),
    stop_sup(Sup2), take().

shutdown_timeout() ->
    Sup = start_sup(flags(one_for_one), [child(a), child(stubborn, permanent, ignore_shutdown, 200), child(c)]),
    take(),
    T0 = erlang:monotonic_time(millisecond),
    stop_sup(Sup),
    T = erlang:monotonic_time(millisecond) - T0,
    print("shutdown 200 ms, child ignores shutdown:", take() ++ [{waited_at_least_200ms, T >= 200}]),
    Sup2 = start_sup(flags(one_for_one), [child(a), child(b, permanent, ignore_shutdown, brutal_kill)]),
    take(),
    stop_sup(Sup2),
    print("shutdown brutal_kill:", take()).

shutdown_infinity() ->
    Inner = #{id => inner, start => {?MODULE, start_inner, [flags(one_for_one), [child(w1), child(w2, permanent, ignore_shutdown, 300)]]},
              restart => permanent, shutdown => infinity, type => supervisor},
    Sup = start_sup(flags(one_for_one), [child(a), Inner, child(z)]),
    take(),
    T0 = erlang:monotonic_time(millisecond),
    stop_sup(Sup),
    T = erlang:monotonic_time(millisecond) - T0,
    print("child supervisor shutdown infinity:", take() ++ [{waited_at_least_300ms, T >= 300}]).

nested() ->
    Inner = #{id => inner, start => {?MODULE, start_inner, [#{strategy => one_for_one, intensity => 1, period => 5}, [child(w1), child(w2)]]},
              restart => permanent, shutdown => infinity, type => supervisor},
    Sup = start_sup(flags(one_for_one), [child(a), Inner, child(z)]),
    take(),
    crash(w1, boom),
    crash(w1, boom),
    Es = take(),
    print("nested: inner intensity 1/5s, w1 crashes twice:", Es ++ [{outer, ids(Sup)}]),
    stop_sup(Sup), take().

%% b fails on its second start (the restart after a crashes): OTP tries again, and each try counts.
restart_failure() ->
    [begin
         persistent_term:put({starts, b}, 0),
         Flaky = #{id => b, start => {?MODULE, start_flaky, [b, 2]}, restart => permanent, shutdown => 5000, type => worker},
         Sup = start_sup(flags(S), [child(a), Flaky, child(c)]),
         take(),
         crash(a, boom),
         Es = take(),
         print(io_lib:format("~s restart failure of b:", [S]), Es ++ [{children, ids(Sup)}]),
         stop_sup(Sup), take()
     end || S <- [one_for_one, one_for_all, rest_for_one]].

start_failure() ->
    process_flag(trap_exit, true),
    R = supervisor:start_link(?MODULE, {flags(one_for_one), [child(a), child(b, permanent, {fail_start, boom}, 5000), child(c)]}),
    sync(),
    print("start failure of b:", take() ++ [{start_link, R}]).

operations() ->
    Sup = start_sup(flags(one_for_one), [child(a), child(b), child(t, temporary)]),
    take(),
    R1 = supervisor:terminate_child(Sup, b),
    R2 = supervisor:restart_child(Sup, a),
    R3 = supervisor:delete_child(Sup, a),
    C1 = ids(Sup),
    R4 = supervisor:restart_child(Sup, b),
    R5 = supervisor:terminate_child(Sup, b),
    R6 = supervisor:delete_child(Sup, b),
    R7 = supervisor:terminate_child(Sup, t),
    C2 = ids(Sup),
    R8 = supervisor:terminate_child(Sup, nope),
    R9 = supervisor:restart_child(Sup, nope),
    R10 = supervisor:delete_child(Sup, nope),
    {ok, _} = supervisor:start_child(Sup, child(d)),
    R11 = supervisor:start_child(Sup, child(d)),
    supervisor:terminate_child(Sup, d),
    R12 = supervisor:start_child(Sup, child(d)),
    Count = supervisor:count_children(Sup),
    print("operations:", take() ++ [
        {terminate_b, R1}, {restart_running_a, R2}, {delete_running_a, R3}, {children, C1},
        {restart_b, element(1, R4)}, {terminate_b, R5}, {delete_b, R6}, {terminate_temporary_t, R7}, {children, C2},
        {terminate_nope, R8}, {restart_nope, R9}, {delete_nope, R10},
        {start_d_again, element(1, R11), element(1, element(2, R11))}, {start_d_terminated, R12}, {count, Count}]),
    stop_sup(Sup), take().

dynamic() ->
    Flags = #{strategy => simple_one_for_one, intensity => 10, period => 5},
    Spec = #{id => dyn, start => {?MODULE, start_worker, []}, restart => permanent, shutdown => 5000, type => worker},
    Sup = start_sup(Flags, [Spec]),
    [{ok, _} = supervisor:start_child(Sup, [Id, normal]) || Id <- [d1, d2, d3]],
    take(),
    crash(d2, boom),
    Es = take(),
    R1 = supervisor:restart_child(Sup, d1),
    R2 = supervisor:delete_child(Sup, d1),
    R3 = supervisor:terminate_child(Sup, whereis(d1)),
    Count = supervisor:count_children(Sup),
    print("simple_one_for_one crash d2:", Es ++ [{restart_child, R1}, {delete_child, R2}, {terminate_child_by_pid, R3}, {count, Count}]),
    stop_sup(Sup),
    print("simple_one_for_one stop:", take()).
