# shellcheck shell=bash
# Shell helpers shared by scripts/postgres.sh and scripts/cluster.sh, sourced by both. The script
# that sources this defines die MESSAGE (print and exit) first.

# pid_alive PID: PID is a running process (not a zombie waiting to be reaped).
pid_alive() {
  local pid=$1 stat state
  [[ $pid =~ ^[1-9][0-9]*$ ]] || return 1
  kill -0 "$pid" 2>/dev/null || return 1
  stat=$(cat "/proc/$pid/stat" 2>/dev/null) || return 1
  state=${stat##*) }
  state=${state%% *}
  [ "$state" != Z ]
}

# port_in_use PORT: something listens on 127.0.0.1:PORT.
port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# resolve_dir DIR RESERVE: the absolute path, refusing names that would need quoting in a URL, a
# config file or an env file, and paths too long for the unix sockets the caller puts in it
# (RESERVE: how many characters its longest socket name adds to DIR; sun_path holds 107).
resolve_dir() {
  local dir
  dir=$(realpath -m -- "$1")
  [[ $dir =~ ^/[A-Za-z0-9._/+@-]+$ ]] ||
    die "--dir '$1': use a path of letters, digits and . _ / + @ - only"
  [ "$dir" != / ] || die "--dir /: use a directory of its own"
  [ $((${#dir} + $2)) -le 107 ] || die "--dir '$dir' is too long for a unix socket path; use a shorter one"
  echo "$dir"
}
