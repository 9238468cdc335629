#!/bin/bash
# efsdoctor host probe: prints what this instance (and each running container) sees of EFS/NFS.
#
# Strictly read-only. It never touches a mounted path without a time limit: mounts are read from
# /proc/self/mountinfo, and df / docker / systemctl / getent / TCP connects / unshare all run under `timeout`.
#
# Inputs (environment variables; the runner prepends `export NAME='value'` lines):
#   EFSD_FS_DNS_NAMES    space-separated EFS DNS names to resolve (fs-….efs.<region>.amazonaws.com)
#   EFSD_MT_IPS          space-separated mount-target IPs to TCP-connect to: every AZ's (one command serves every
#                        instance of a run; the checks pick the instance's own AZ). Up to 8 connects run at once.
#   EFSD_EXPECTED_PATHS  space-separated host paths that should be on EFS (mount points, host.sourcePath); only
#                        plain paths (letters, digits and ._-, no . or .. part, as `efsdoctor mount --path`) are looked at
#   EFSD_ROOT            prefix for files read (etc/fstab, etc/os-release, var/log/…, sbin dirs); default ''
#   EFSD_TCP_TIMEOUT     seconds per TCP connect (default 3)
#   EFSD_NFS_PORT        port for the TCP connect (default 2049)
#   EFSD_CMD_TIMEOUT     seconds per bounded command such as df or docker (default 3)
#   EFSD_MOUNTINFO       mount table to read (default /proc/self/mountinfo)
#   EFSD_FSTYPES         file-system types reported as EFS/NFS mounts (default "nfs nfs4 efs")
#   EFSD_MAX_CHARS       output budget in characters (default 23000; SSM keeps 24,000 of stdout)
#   EFSD_IMDS            instance metadata address host[:port] for the region probe (default 169.254.169.254:80)
#   EFSD_ROOT_DIRS       space-separated fs-id:/path items: directories that must exist on a file system (task-volume
#                        rootDirectory, access-point RootDirectory.Path), looked at under each mount of a file system's root
#
# Output: one fact per line, fields separated by TAB; paths keep mountinfo's octal escapes (\040 = space).
#   EFSD <format-version> <probe-version>      first line
#   OS <ID> <VERSION_ID> <PRETTY_NAME>         KERNEL <release>
#   CLIENT <helper> present|absent <path>      PKG <name> <version>|absent|unknown   EFSUTILS <mount.efs --version>
#   SVC <unit> active|inactive|failed|…|unknown
#   DNS <name> ok|fail|timeout <ipv4,…> <ipv6,…>
#   TCP <ip> <port> open|refused|timeout|error
#   CLOUDINIT <status>|absent|timeout
#   MOUNT <target> <source> <fstype> <vfs-options,super-options>
#   DF <target> ok|timeout|error|skipped <size-kb> <used-kb> <detail>
#   EXPECT <path> <covering-mount-target> <fstype> <source>
#   SHADOW <mount-point> ok|unavailable|timeout <entries, 0-21 (21 = more than 20)> <sample names, /-joined> <detail>
#                                              what lies in the local directory underneath an EFS/NFS mount
#   EFSSTATE <efs-utils state file name, e.g. fs-0123.mnt.efs.20127 (fs id, mount point, TLS port)> <fsap-…|none|unknown>
#                                              the access point the mount goes through, from the state file
#   DOCKER ok|absent|timeout|error <detail>        DOCKER_INSPECT timeout (container details missing)
#   FSTAB <device> <mount-point> <fstype> <options>
#   CONTAINER <id12> <name> <pid> <ecs-task-arn>
#   CMOUNT <id12> <host-source> <container-path> <container-fstype>|unknown <container-source>
#   LOG cloud-init-output|efs-mount <line>
#   EFSCONF present|absent                     EFSCONFKEY <section> <key> <value>   (efs-utils.conf, known keys only)
#   HELPER stunnel|stunnel5|efs-proxy present|absent <path> <version>
#   IMDS <tokenHttpCode> <v1HttpCode> <region> <detail>   token: PUT /latest/api/token; v1: GET without a token; 000 = no answer
#   ROOTDIR <mount-point> <path> exists|not-directory|missing|denied|timeout|error|skipped|refused <stat type> <uid> <gid> <mode> <detail>
#                                              <path> (relative to the file system's root) looked at under <mount-point>
#   TRUNCATED <section> <count-dropped>
#   END <characters-printed>                   last line; missing = output was cut
#
# SHADOW looks underneath each mount without changing the host: in a new, private mount namespace
# (`unshare --mount --propagation private`) it lazily unmounts the EFS mount (and any EFS mount stacked on the same
# path) and lists the directory left visible, which lies on the local disk. The umount happens only inside that
# short-lived namespace; the host's mount table is untouched and the NFS server is never contacted (no umount
# helper, no path canonicalisation, nothing listed when the directory beneath is itself on NFS). Needs root.

# ROOTDIR only reads: one `stat` per directory under a time limit (never mkdir, never a listing), and only for paths
# that pass the allow-list `mount` uses (plain_path).

# NOTE: arrays are expanded as ${a[@]+"${a[@]}"}: bash < 4.4 (Amazon Linux 2) treats an empty array as unset under set -u.
# No pathname expansion anywhere (set -f): a path such as /data/app[1] or /*/*/*/*/* must never make the probe walk the
# host's file system or a hung NFS mount. Every expansion is quoted as well; lists are split with `read -a`.
set -u -f
export LC_ALL=C
PATH="$PATH:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

PROBE_VERSION=4
ROOT="${EFSD_ROOT:-}"
TCP_TIMEOUT="${EFSD_TCP_TIMEOUT:-3}"
NFS_PORT="${EFSD_NFS_PORT:-2049}"
CMD_TIMEOUT="${EFSD_CMD_TIMEOUT:-3}"
MOUNTINFO="${EFSD_MOUNTINFO:-/proc/self/mountinfo}"
FSTYPES=" ${EFSD_FSTYPES:-nfs nfs4 efs} "
MAX_CHARS="${EFSD_MAX_CHARS:-23000}"
MAX_LINE=400
MAX_MOUNTS=30
MAX_DF=20
MAX_CONTAINERS=40
MAX_CMOUNTS=50
MAX_FSTAB=15
MAX_LOG_LINES=10
MAX_EXPECT=40
MAX_TCP=24
MAX_SHADOW=10
MAX_ROOTDIR=40
ROOTDIR_BUDGET_SECONDS=10
MAX_SHADOW_SAMPLE=5
SHADOW_CAP=21
SHADOW_TIMEOUT=4
SHADOW_BUDGET_SECONDS=10
TCP_PARALLEL=8
DF_BUDGET_SECONDS=15

PRINTED=0
DROPPED=0

# emit KEY field…: one TAB-joined line, control characters flattened, long lines cut, total kept under budget.
emit() {
  local line
  line="$(printf '%s\t' "$@")"
  line="${line%$'\t'}"
  line="${line//$'\r'/ }"
  line="${line//$'\n'/ }"
  if [ "${#line}" -gt "$MAX_LINE" ]; then line="${line:0:$MAX_LINE}"; fi
  if [ $((PRINTED + ${#line} + 1)) -gt "$MAX_CHARS" ]; then
    DROPPED=$((DROPPED + 1))
    return 0
  fi
  printf '%s\n' "$line"
  PRINTED=$((PRINTED + ${#line} + 1))
}

# bounded CMD…: runs CMD under a hard time limit, stdin closed.
bounded() {
  timeout -k 1 "$CMD_TIMEOUT" "$@" </dev/null
}

have() { command -v "$1" >/dev/null 2>&1; }


# mountinfo-style escaping, so docker paths compare with mountinfo fields.
mi_escape() {
  local p="$1"
  p="${p//\\/\\134}"
  p="${p// /\\040}"
  p="${p//$'\t'/\\011}"
  printf '%s' "$p"
}

# split_mountinfo_rest REST: from what follows the mount options on a mountinfo line (optional fields, " - ",
# fstype, source, super options), sets mi_fstype, mi_source and mi_super_opts.
split_mountinfo_rest() {
  local rest=" $1"
  rest="${rest#* - }"
  mi_fstype="${rest%% *}"
  rest="${rest#* }"
  mi_source="${rest%% *}"
  mi_super_opts="${rest#* }"
}

# covering_mount FILE PATH: prints "target<TAB>fstype<TAB>source" of the mount that contains PATH (last one wins).
covering_mount() {
  local file="$1" path="$2" best="" best_len=-1 out=""
  local _id _parent _dev _root target _opts rest
  while read -r _id _parent _dev _root target _opts rest; do
    split_mountinfo_rest "$rest"
    case "$path/" in
      "$target"/*|"$target"/) ;;
      *) [ "$target" = "/" ] || continue ;;
    esac
    if [ "${#target}" -ge "$best_len" ]; then
      best_len="${#target}"
      best="$target"
      out="$best"$'\t'"$mi_fstype"$'\t'"$mi_source"
    fi
  done < "$file"
  printf '%s' "$out"
}

# plain_path PATH: true for an absolute path of letters, digits and ._- without . or .. parts, at most 200 characters:
# the allow-list of `efsdoctor mount --path` (src/core/host-path.ts; mount-efs.sh checks the same).
plain_path() {
  [[ $1 =~ ^(/[A-Za-z0-9._-]+)+$ ]] && [ "${#1}" -le 200 ] && ! [[ /$1/ =~ /\.\.?/ ]]
}

read -r -a fs_dns_names <<< "${EFSD_FS_DNS_NAMES:-}"
read -r -a mt_ips <<< "${EFSD_MT_IPS:-}"
expected_paths=()
read -r -a expected_input <<< "${EFSD_EXPECTED_PATHS:-}"
for path in ${expected_input[@]+"${expected_input[@]}"}; do
  if plain_path "$path"; then expected_paths+=("$path"); fi
done

emit EFSD 1 "$PROBE_VERSION"

# --- OS -------------------------------------------------------------------------------------------
os_id="" os_version="" os_pretty=""
if [ -r "$ROOT/etc/os-release" ]; then
  while IFS='=' read -r key value; do
    value="${value#\"}"; value="${value%\"}"
    case "$key" in
      ID) os_id="$value" ;;
      VERSION_ID) os_version="$value" ;;
      PRETTY_NAME) os_pretty="$value" ;;
    esac
  done < "$ROOT/etc/os-release"
fi
emit OS "$os_id" "$os_version" "$os_pretty"
emit KERNEL "$(uname -r 2>/dev/null)"

# --- NFS client and efs-utils ----------------------------------------------------------------------
for helper in mount.nfs4 mount.efs; do
  found=""
  for dir in "$ROOT/sbin" "$ROOT/usr/sbin" "$ROOT/usr/bin" "$ROOT/bin" "$ROOT/usr/local/sbin"; do
    if [ -x "$dir/$helper" ]; then found="$dir/$helper"; break; fi
  done
  if [ -n "$found" ]; then emit CLIENT "$helper" present "$found"; else emit CLIENT "$helper" absent ""; fi
  if [ "$helper" = mount.efs ] && [ -n "$found" ]; then
    emit EFSUTILS "$(bounded "$found" --version 2>&1 | head -n 1)"
  fi
done

pkg_version() {
  local name="$1" v
  if have rpm; then
    if v="$(bounded rpm -q --qf '%{VERSION}-%{RELEASE}' "$name" 2>/dev/null)"; then printf '%s' "$v"; else printf 'absent'; fi
  elif have dpkg-query; then
    # shellcheck disable=SC2016 # dpkg-query format, not shell
    v="$(bounded dpkg-query -W -f='${Status} ${Version}' "$name" 2>/dev/null)"
    case "$v" in
      "install ok installed "*) printf '%s' "${v##* }" ;;
      *) printf 'absent' ;;
    esac
  else
    printf 'unknown'
  fi
}
for pkg in amazon-efs-utils nfs-utils nfs-common; do
  emit PKG "$pkg" "$(pkg_version "$pkg")"
done

# --- efs-utils parts: its configuration, its TLS helpers, and the instance metadata it reads the region from ---------
# Read-only: the config file is read line by line; stunnel prints its version; IMDS is asked for a session token and
# the region (what efs-utils itself does), each under a time limit.
EFSCONF_KEYS=" region dns_name_format dns_name_suffix fall_back_to_mount_target_ip_address_enabled disable_fetch_ec2_metadata_token stunnel_check_cert_hostname port_range_lower_bound port_range_upper_bound "
MAX_EFSCONF=40

efs_utils_config() {
  local file="$ROOT/etc/amazon/efs/efs-utils.conf" section="" key value count=0
  if [ ! -r "$file" ]; then
    emit EFSCONF absent
    return 0
  fi
  emit EFSCONF present
  while IFS= read -r line || [ -n "$line" ]; do
    line="${line%$'\r'}"
    case "$line" in
      '['*']') section="${line#[}"; section="${section%]}"; continue ;;
      ''|'#'*|';'*) continue ;;
      *=*) ;;
      *) continue ;;
    esac
    key="${line%%=*}"; key="${key//[[:space:]]/}"
    value="${line#*=}"; value="${value#"${value%%[![:space:]]*}"}"; value="${value%"${value##*[![:space:]]}"}"
    case "$EFSCONF_KEYS" in *" $key "*) ;; *) continue ;; esac
    count=$((count + 1))
    if [ "$count" -le "$MAX_EFSCONF" ]; then emit EFSCONFKEY "$section" "$key" "${value:0:200}"; fi
  done < "$file"
  if [ "$count" -gt "$MAX_EFSCONF" ]; then emit TRUNCATED EFSCONFKEY $((count - MAX_EFSCONF)); fi
}

tls_helpers() {
  local helper dir found version
  for helper in stunnel stunnel5 efs-proxy; do
    found=""
    for dir in "$ROOT/usr/bin" "$ROOT/usr/sbin" "$ROOT/sbin" "$ROOT/bin" "$ROOT/usr/local/bin" "$ROOT/usr/local/sbin"; do
      if [ -x "$dir/$helper" ]; then found="$dir/$helper"; break; fi
    done
    if [ -z "$found" ]; then
      emit HELPER "$helper" absent "" ""
      continue
    fi
    version=""
    case "$helper" in
      stunnel*) version="$(bounded "$found" -version 2>&1 | grep -m 1 -oE 'stunnel [0-9][0-9.]*' | head -n 1)"; version="${version#stunnel }" ;;
    esac
    emit HELPER "$helper" present "$found" "$version"
    case "$helper" in stunnel*) emit PKG "$helper" "$(pkg_version "$helper")" ;; esac
  done
}

imds_region() {
  local addr="${EFSD_IMDS:-169.254.169.254:80}" token="" token_code v1_code region=""
  if ! have curl; then
    emit IMDS "" "" "" "curl is not installed"
    return 0
  fi
  token="$(timeout -k 1 "$CMD_TIMEOUT" curl -s -m 2 -X PUT -H 'X-aws-ec2-metadata-token-ttl-seconds: 60' \
    -w '\n%{http_code}' "http://$addr/latest/api/token" 2>/dev/null </dev/null)" || true
  token_code="${token##*$'\n'}"; token="${token%$'\n'*}"
  [ "$token_code" = 200 ] || token=""
  # NOTE: no answer at all (000) means IMDS is unreachable; a token-less request would not fare better.
  if [ "${token_code:-000}" = 000 ]; then
    emit IMDS 000 000 "" ""
    return 0
  fi
  v1_code="$(timeout -k 1 "$CMD_TIMEOUT" curl -s -m 2 -o /dev/null -w '%{http_code}' \
    "http://$addr/latest/meta-data/placement/region" 2>/dev/null </dev/null)" || true
  if [ -n "$token" ]; then
    region="$(timeout -k 1 "$CMD_TIMEOUT" curl -s -f -m 2 -H "X-aws-ec2-metadata-token: $token" \
      "http://$addr/latest/meta-data/placement/region" 2>/dev/null </dev/null)" || region=""
  elif [ "$v1_code" = 200 ]; then
    region="$(timeout -k 1 "$CMD_TIMEOUT" curl -s -f -m 2 "http://$addr/latest/meta-data/placement/region" 2>/dev/null </dev/null)" || region=""
  fi
  case "$region" in *[!a-z0-9-]*) region="" ;; esac
  emit IMDS "${token_code:-000}" "${v1_code:-000}" "${region:0:40}" ""
}

efs_utils_config
tls_helpers
imds_region

# --- services --------------------------------------------------------------------------------------
svc_state() {
  local unit="$1" proc="$2" state
  if have systemctl; then
    state="$(bounded systemctl is-active "$unit" 2>/dev/null | head -n 1)"
    case "$state" in
      active|inactive|failed|activating|deactivating|reloading) printf '%s' "$state"; return ;;
    esac
  fi
  if [ -n "$proc" ] && have pgrep; then
    if pgrep -x "$proc" >/dev/null 2>&1; then printf 'active'; else printf 'inactive'; fi
    return
  fi
  printf 'unknown'
}
emit SVC ecs "$(svc_state ecs "")"
emit SVC docker "$(svc_state docker dockerd)"
emit SVC amazon-ecs-volume-plugin "$(svc_state amazon-ecs-volume-plugin amazon-ecs-volume-plugin)"
emit SVC amazon-efs-mount-watchdog "$(svc_state amazon-efs-mount-watchdog "")"

# --- DNS and TCP -----------------------------------------------------------------------------------
for name in ${fs_dns_names[@]+"${fs_dns_names[@]}"}; do
  v4="" v6="" status=ok rc=0
  out4="$(timeout -k 1 "$CMD_TIMEOUT" getent ahostsv4 "$name" 2>/dev/null </dev/null)" || rc=$?
  if [ "$rc" -ge 124 ]; then status=timeout; fi
  out6="$(timeout -k 1 "$CMD_TIMEOUT" getent ahostsv6 "$name" 2>/dev/null </dev/null)" || true
  while read -r addr kind _; do
    [ "$kind" = STREAM ] && v4="${v4:+$v4,}$addr"
  done <<< "$out4"
  while read -r addr kind _; do
    case "$addr" in ::ffff:*) continue ;; esac
    [ "$kind" = STREAM ] && v6="${v6:+$v6,}$addr"
  done <<< "$out6"
  if [ -z "$v4$v6" ] && [ "$status" = ok ]; then status=fail; fi
  emit DNS "$name" "$status" "$v4" "$v6"
done

# TCP connects run in parallel groups of TCP_PARALLEL (each bounded by timeout), so N IPs cost about ⌈N/8⌉ × TCP_TIMEOUT.
tcp_ips=()
tcp_count=0
for ip in ${mt_ips[@]+"${mt_ips[@]}"}; do
  tcp_count=$((tcp_count + 1))
  if [ "$tcp_count" -le "$MAX_TCP" ]; then tcp_ips+=("$ip"); fi
done
tcp_connect() {
  # shellcheck disable=SC2016 # expanded by the inner bash
  timeout -k 1 "$TCP_TIMEOUT" bash -c 'exec 3<>"/dev/tcp/$1/$2"' efsd-tcp "$1" "$NFS_PORT" </dev/null >/dev/null 2>&1
}
tcp_at=0
while [ "$tcp_at" -lt "${#tcp_ips[@]}" ]; do
  tcp_pids=()
  for ip in "${tcp_ips[@]:$tcp_at:$TCP_PARALLEL}"; do
    tcp_connect "$ip" &
    tcp_pids+=("$!")
  done
  for k in "${!tcp_pids[@]}"; do
    rc=0
    wait "${tcp_pids[$k]}" || rc=$?
    case "$rc" in
      0) state=open ;;
      124|137) state=timeout ;;
      1) state=refused ;;
      *) state=error ;;
    esac
    emit TCP "${tcp_ips[$((tcp_at + k))]}" "$NFS_PORT" "$state"
  done
  tcp_at=$((tcp_at + TCP_PARALLEL))
done
if [ "$tcp_count" -gt "$MAX_TCP" ]; then emit TRUNCATED TCP $((tcp_count - MAX_TCP)); fi

# --- cloud-init ------------------------------------------------------------------------------------
if have cloud-init; then
  rc=0
  ci="$(timeout -k 1 5 cloud-init status 2>/dev/null </dev/null)" || rc=$?
  if [ "$rc" -ge 124 ]; then ci="timeout"; else ci="${ci#status: }"; ci="${ci%%$'\n'*}"; fi
  emit CLOUDINIT "${ci:-unknown}"
else
  emit CLOUDINIT absent
fi

# --- mounts (from the mount table only) ------------------------------------------------------------
mount_targets=()
mount_sources=()
mount_count=0
if [ -r "$MOUNTINFO" ]; then
  while read -r _id _parent _dev _root target vfs_opts rest; do
    split_mountinfo_rest "$rest"
    case "$FSTYPES" in *" $mi_fstype "*) ;; *) continue ;; esac
    mount_count=$((mount_count + 1))
    if [ "$mount_count" -gt "$MAX_MOUNTS" ]; then continue; fi
    mount_targets+=("$target")
    mount_sources+=("$mi_source")
    emit MOUNT "$target" "$mi_source" "$mi_fstype" "$vfs_opts,$mi_super_opts"
  done < "$MOUNTINFO"
else
  emit MOUNT_ERROR "cannot read $MOUNTINFO"
fi
if [ "$mount_count" -gt "$MAX_MOUNTS" ]; then emit TRUNCATED MOUNT $((mount_count - MAX_MOUNTS)); fi

# df per mount, each bounded; stop after a total time budget so a host full of dead mounts still answers.
started=$SECONDS
df_done=0
df_dead=" "
for target in ${mount_targets[@]+"${mount_targets[@]}"}; do
  if [ "$df_done" -ge "$MAX_DF" ] || [ $((SECONDS - started)) -ge "$DF_BUDGET_SECONDS" ]; then
    emit DF "$target" skipped "" "" "probe time budget used"
    continue
  fi
  df_done=$((df_done + 1))
  path="$(printf '%b' "$target")"
  rc=0
  out="$(bounded df -Pk -- "$path" 2>&1)" || rc=$?
  if [ "$rc" -eq 0 ]; then
    read -r _fs size used _rest <<< "$(printf '%s\n' "$out" | tail -n 1)"
    emit DF "$target" ok "$size" "$used" ""
  elif [ "$rc" -eq 124 ] || [ "$rc" -eq 137 ]; then
    emit DF "$target" timeout "" "" "df did not answer within ${CMD_TIMEOUT}s"
    df_dead="$df_dead$target "
  else
    emit DF "$target" error "" "" "$(printf '%s' "$out" | tail -n 1)"
  fi
done

expect_count=0
for path in ${expected_paths[@]+"${expected_paths[@]}"}; do
  expect_count=$((expect_count + 1))
  if [ "$expect_count" -gt "$MAX_EXPECT" ]; then continue; fi
  if [ -r "$MOUNTINFO" ]; then
    IFS=$'\t' read -r c_target c_fstype c_source <<< "$(covering_mount "$MOUNTINFO" "$(mi_escape "$path")")"
    emit EXPECT "$path" "${c_target:-}" "${c_fstype:-}" "${c_source:-}"
  fi
done

if [ "$expect_count" -gt "$MAX_EXPECT" ]; then emit TRUNCATED EXPECT $((expect_count - MAX_EXPECT)); fi

# --- directories that must exist on a file system (task-volume rootDirectory, access-point path) ----------------------
# Looked at under each EFS/NFS mount of a file system's root (source "…:/"; not the ECS agent's per-task mounts under
# /var/lib/ecs or /var/lib/docker) whose source does not name another file system. Which mount is which file system,
# and whether a TLS mount goes through an access point (EFSSTATE), the checks decide from the facts.
# rootdir_stat TARGET REL: one bounded stat of TARGET's directory REL.
rootdir_stat() {
  local target="$1" rel="$2" rc=0 out ftype uid gid mode status
  out="$(bounded stat -c '%F|%u|%g|%a' -- "$(printf '%b' "$target")$rel" 2>&1)" || rc=$?
  case "$rc" in
    0)
      IFS='|' read -r ftype uid gid mode <<< "$out"
      if [ "$ftype" = directory ]; then status=exists; else status=not-directory; fi
      emit ROOTDIR "$target" "$rel" "$status" "$ftype" "$uid" "$gid" "$mode" "" ;;
    124|137) emit ROOTDIR "$target" "$rel" timeout "" "" "" "" "stat did not answer within ${CMD_TIMEOUT}s" ;;
    *)
      case "$out" in
        *'No such file or directory'*|*'Not a directory'*) status=missing ;;
        *'Permission denied'*) status=denied ;;
        *) status=error ;;
      esac
      emit ROOTDIR "$target" "$rel" "$status" "" "" "" "" "$(printf '%s' "$out" | tail -n 1)" ;;
  esac
}

rootdir_started=$SECONDS
rootdir_count=0
read -r -a root_dir_items <<< "${EFSD_ROOT_DIRS:-}"
for item in ${root_dir_items[@]+"${root_dir_items[@]}"}; do
  fs="${item%%:*}" rel="${item#*:}"
  if ! [[ $fs =~ ^fs-[0-9a-f]{8}([0-9a-f]{9})?$ ]] || ! plain_path "$rel"; then
    emit ROOTDIR "" "${item:0:200}" refused "" "" "" "" "not fs-id:/path with a path of letters, digits and ._-"
    continue
  fi
  i=0
  while [ "$i" -lt "${#mount_targets[@]}" ]; do
    target="${mount_targets[$i]}" source="${mount_sources[$i]}"
    i=$((i + 1))
    case "$source" in *:/) ;; *) continue ;; esac
    case "$source" in fs-*) case "$source" in "$fs".*|"$fs":*) ;; *) continue ;; esac ;; esac
    case "$target/" in /var/lib/ecs/*|/var/lib/docker/*) continue ;; esac
    rootdir_count=$((rootdir_count + 1))
    if [ "$rootdir_count" -gt "$MAX_ROOTDIR" ]; then continue; fi
    case "$df_dead" in
      *" $target "*) emit ROOTDIR "$target" "$rel" skipped "" "" "" "" "df did not answer on this mount"; continue ;;
    esac
    if [ $((SECONDS - rootdir_started)) -ge "$ROOTDIR_BUDGET_SECONDS" ]; then
      emit ROOTDIR "$target" "$rel" skipped "" "" "" "" "probe time budget used"
      continue
    fi
    rootdir_stat "$target" "$rel"
  done
done
if [ "$rootdir_count" -gt "$MAX_ROOTDIR" ]; then emit TRUNCATED ROOTDIR $((rootdir_count - MAX_ROOTDIR)); fi

# --- data shadowed underneath the mounts -------------------------------------------------------------
# shadow_inner TARGET PATH FSTYPES: runs inside the private mount namespace. Lazily unmounts every EFS/NFS mount
# stacked at PATH (TARGET is the escaped form), then prints "OK" and up to SHADOW_CAP escaped names found in the
# directory beneath, one a line; or "!reason" when that directory cannot be read without touching NFS.
# shellcheck disable=SC2317 # run through `declare -f` inside unshare
shadow_inner() {
  local target="$1" path="$2" fstypes="$3" round=0 covering c_target c_fstype _c_source n=0 p
  while :; do
    umount -l -i -c -- "$path" 2>/dev/null || { printf '!umount -l failed inside the namespace\n'; return 0; }
    round=$((round + 1))
    covering="$(covering_mount /proc/self/mountinfo "$target")"
    IFS=$'\t' read -r c_target c_fstype _c_source <<< "$covering"
    case "$fstypes" in *" $c_fstype "*) ;; *) break ;; esac
    if [ "$c_target" != "$target" ]; then
      printf '!the directory beneath is on %s mount %s: not listed (would reach the server)\n' "$c_fstype" "$c_target"
      return 0
    fi
    if [ "$round" -ge 8 ]; then printf '!more than 8 mounts stacked\n'; return 0; fi
  done
  printf 'OK\n'
  while [ "$n" -lt "$SHADOW_CAP" ] && IFS= read -r -d '' p; do
    p="${p##*/}"
    p="${p:0:80}"
    p="$(mi_escape "$p")"
    printf '%s\n' "${p//$'\n'/\\012}"
    n=$((n + 1))
  done < <(find "$path" -mindepth 1 -maxdepth 1 -print0 2>/dev/null)
}

shadow_started=$SECONDS
shadow_count=0
shadow_seen=" "
for target in ${mount_targets[@]+"${mount_targets[@]}"}; do
  case "$shadow_seen" in *" $target "*) continue ;; esac
  shadow_seen="$shadow_seen$target "
  shadow_count=$((shadow_count + 1))
  if [ "$shadow_count" -gt "$MAX_SHADOW" ]; then continue; fi
  if ! have unshare; then
    emit SHADOW "$target" unavailable "" "" "unshare (util-linux) is not installed"
    continue
  fi
  if [ $((SECONDS - shadow_started)) -ge "$SHADOW_BUDGET_SECONDS" ]; then
    emit SHADOW "$target" unavailable "" "" "probe time budget used"
    continue
  fi
  path="$(printf '%b' "$target")"
  rc=0
  out="$(timeout -k 1 "$SHADOW_TIMEOUT" unshare --mount --propagation private \
    bash -c "set -f; SHADOW_CAP=$SHADOW_CAP; $(declare -f mi_escape split_mountinfo_rest covering_mount shadow_inner); shadow_inner \"\$@\"" \
    efsd-shadow "$target" "$path" "$FSTYPES" 2>&1 </dev/null)" || rc=$?
  if [ "$rc" -eq 124 ] || [ "$rc" -eq 137 ]; then
    emit SHADOW "$target" timeout "" "" "no answer within ${SHADOW_TIMEOUT}s"
    continue
  fi
  first="${out%%$'\n'*}"
  case "$first" in
    OK) ;;
    '!'*) emit SHADOW "$target" unavailable "" "" "${first#!}"; continue ;;
    *) emit SHADOW "$target" unavailable "" "" "unshare failed: $(printf '%s' "$out" | tail -n 1)"; continue ;;
  esac
  names=() sample=""
  while IFS= read -r name; do
    [ -n "$name" ] || continue
    names+=("$name")
    if [ "${#names[@]}" -le "$MAX_SHADOW_SAMPLE" ]; then sample="${sample:+$sample/}$name"; fi
  done <<< "${out#OK}"
  emit SHADOW "$target" ok "${#names[@]}" "$sample" ""
done
if [ "$shadow_count" -gt "$MAX_SHADOW" ]; then emit TRUNCATED SHADOW $((shadow_count - MAX_SHADOW)); fi

# efs-utils state files name the file system behind each TLS mount (whose source is only 127.0.0.1:/).
state_count=0
# NOTE: the one pathname expansion of the probe, on a fixed pattern (set -f everywhere else).
set +f
state_files=("$ROOT"/var/run/efs/fs-*)
set -f
for sf in ${state_files[@]+"${state_files[@]}"}; do
  [ -e "$sf" ] || continue
  state_count=$((state_count + 1))
  if [ "$state_count" -gt "$MAX_FSTAB" ]; then continue; fi
  # The state file is efs-utils' JSON; "accessPoint" is in it when the mount goes through one.
  rc=0
  ap="$(bounded grep -o -m 1 -E '"accessPoint": *"fsap-[0-9a-f]{17}"' -- "$sf" 2>/dev/null)" || rc=$?
  case "$rc" in
    0) ap="${ap%\"}"; ap="${ap##*\"}" ;;
    1) ap=none ;;
    *) ap=unknown ;;
  esac
  emit EFSSTATE "${sf##*/}" "$ap"
done

# --- fstab -----------------------------------------------------------------------------------------
fstab_count=0
if [ -r "$ROOT/etc/fstab" ]; then
  while read -r device mp fstype opts _rest; do
    case "$device" in ''|'#'*) continue ;; esac
    case "$FSTYPES" in
      *" $fstype "*) ;;
      *) case "$device" in *.efs.*|fs-*) ;; *) continue ;; esac ;;
    esac
    fstab_count=$((fstab_count + 1))
    if [ "$fstab_count" -le "$MAX_FSTAB" ]; then emit FSTAB "$device" "$mp" "$fstype" "${opts:-defaults}"; fi
  done < "$ROOT/etc/fstab"
fi
if [ "$fstab_count" -gt "$MAX_FSTAB" ]; then emit TRUNCATED FSTAB $((fstab_count - MAX_FSTAB)); fi

# --- containers --------------------------------------------------------------------------------------
# Bind mounts whose source is under an NFS mount or an expected path; what the container sees there.
watched=()
for t in ${mount_targets[@]+"${mount_targets[@]}"}; do watched+=("$(printf '%b' "$t")"); done
for t in ${expected_paths[@]+"${expected_paths[@]}"}; do watched+=("$t"); done
under_watched() {
  local src="$1" t
  for t in ${watched[@]+"${watched[@]}"}; do
    case "$src/" in "${t%/}"/*) return 0 ;; esac
  done
  return 1
}

if ! have docker; then
  emit DOCKER absent ""
else
  rc=0
  ids="$(bounded docker ps -q --no-trunc 2>&1)" || rc=$?
  if [ "$rc" -eq 124 ] || [ "$rc" -eq 137 ]; then
    emit DOCKER timeout "docker ps did not answer within ${CMD_TIMEOUT}s"
  elif [ "$rc" -ne 0 ]; then
    emit DOCKER error "$(printf '%s' "$ids" | tail -n 1)"
  else
    emit DOCKER ok ""
    containers=0 cmounts=0 dropped_c=0 dropped_m=0
    fmt='{{.Id}}{{"\t"}}{{.Name}}{{"\t"}}{{.State.Pid}}{{"\t"}}{{index .Config.Labels "com.amazonaws.ecs.task-arn"}}{{range .Mounts}}{{"\t"}}{{.Type}}{{"\t"}}{{.Source}}{{"\t"}}{{.Destination}}{{end}}'
    inspect_ids=()
    while read -r id; do
      [ -n "$id" ] || continue
      if [ "${#inspect_ids[@]}" -ge "$MAX_CONTAINERS" ]; then dropped_c=$((dropped_c + 1)); else inspect_ids+=("$id"); fi
    done <<< "$ids"
    # One inspect for all containers: one process and one time limit, however many containers run.
    inspected=""
    if [ "${#inspect_ids[@]}" -gt 0 ]; then
      rc=0
      inspected="$(timeout -k 1 $((CMD_TIMEOUT * 3)) docker inspect --format "$fmt" "${inspect_ids[@]}" 2>/dev/null </dev/null)" || rc=$?
      if [ "$rc" -eq 124 ] || [ "$rc" -eq 137 ]; then emit DOCKER_INSPECT timeout; fi
    fi
    while IFS= read -r line; do
      [ -n "$line" ] || continue
      IFS=$'\t' read -r -a f <<< "$line"
      cid="${f[0]:0:12}" cname="${f[1]#/}" cpid="${f[2]:-0}" ctask="${f[3]:-}"
      if [ "$ctask" = "<no value>" ]; then ctask=""; fi
      containers=$((containers + 1))
      emit CONTAINER "$cid" "$cname" "$cpid" "$ctask"
      i=4
      while [ $((i + 2)) -lt $((${#f[@]} + 1)) ]; do
        mtype="${f[$i]}" msrc="${f[$((i + 1))]}" mdst="${f[$((i + 2))]}"
        i=$((i + 3))
        [ "$mtype" = bind ] || continue
        under_watched "$msrc" || continue
        if [ "$cmounts" -ge "$MAX_CMOUNTS" ]; then dropped_m=$((dropped_m + 1)); continue; fi
        cmounts=$((cmounts + 1))
        seen="" ; c_fstype=unknown ; c_source=""
        if [ "$cpid" -gt 0 ] 2>/dev/null && [ -r "/proc/$cpid/mountinfo" ]; then
          seen="$(covering_mount "/proc/$cpid/mountinfo" "$(mi_escape "$mdst")")"
        fi
        if [ -n "$seen" ]; then
          IFS=$'\t' read -r _t c_fstype c_source <<< "$seen"
        fi
        emit CMOUNT "$cid" "$(mi_escape "$msrc")" "$(mi_escape "$mdst")" "$c_fstype" "$c_source"
      done
    done <<< "$inspected"
    if [ "$dropped_c" -gt 0 ]; then emit TRUNCATED CONTAINER "$dropped_c"; fi
    if [ "$dropped_m" -gt 0 ]; then emit TRUNCATED CMOUNT "$dropped_m"; fi
  fi
fi

# --- logs (last EFS-related errors only) -------------------------------------------------------------
log_errors() {
  local label="$1" file="$2" pattern="$3"
  [ -r "$file" ] || return 0
  local lines total
  lines="$(timeout -k 1 5 tail -n 3000 -- "$file" 2>/dev/null | grep -aiE "$pattern" 2>/dev/null)"
  [ -n "$lines" ] || return 0
  total="$(printf '%s\n' "$lines" | wc -l)"
  if [ "$total" -gt "$MAX_LOG_LINES" ]; then emit TRUNCATED "LOG $label" $((total - MAX_LOG_LINES)); fi
  while IFS= read -r l; do
    emit LOG "$label" "${l:0:300}"
  done <<< "$(printf '%s\n' "$lines" | tail -n "$MAX_LOG_LINES")"
}
efs_words='(efs|nfs|mount|fs-[0-9a-f]{8})'
bad_words='(error|fail|denied|timed out|timeout|refused|unknown filesystem|_netdev|not found|resolve|no such|unreachable|critical)'
log_errors cloud-init-output "$ROOT/var/log/cloud-init-output.log" "$efs_words.*$bad_words|$bad_words.*$efs_words"
log_errors efs-mount "$ROOT/var/log/amazon/efs/mount.log" " - (ERROR|CRITICAL|WARNING) - |$bad_words"

if [ "$DROPPED" -gt 0 ]; then
  MAX_CHARS=$((MAX_CHARS + 200))
  emit TRUNCATED ALL "$DROPPED"
fi
MAX_CHARS=$((MAX_CHARS + 100))
emit END "$PRINTED"
exit 0
