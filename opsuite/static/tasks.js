// Drag and drop on the board page: progressive enhancement over the "Move to" forms.
// It posts to the same address as those forms (/tasks/<id>/move), with the page's CSRF token,
// and the version of the task the page showed. If someone else moved (or changed) the task
// meanwhile, the answer says where it is now: the card goes there and the message is shown.
// Any other refusal reloads the board (a full column shows the usual warning first).
(function () {
  "use strict";
  var board = document.querySelector(".board[data-editable]");
  if (!board || !("draggable" in document.createElement("li"))) {
    return;
  }
  var token = board.getAttribute("data-csrf");
  var notice = document.getElementById("move-message");
  var dragged = null;

  // Keep the card's own "Move to" form in step with where the card now is.
  function setPlace(card, place) {
    card.setAttribute("data-version", String(place.version));
    var field = card.querySelector('input[name="version"]');
    if (field) {
      field.value = String(place.version);
    }
    var select = card.querySelector('select[name="column_id"]');
    if (select) {
      select.value = String(place.column_id);
    }
  }

  function putBack(card, current, message) {
    var column = board.querySelector('.board-column[data-column="' + current.column_id + '"]');
    if (column) {
      var list = column.querySelector(".cards");
      var others = list.querySelectorAll(".card:not(.dragging)");
      var before = null;
      var seen = 0;
      for (var i = 0; i < others.length; i++) {
        if (others[i] === card) {
          continue;
        }
        if (seen === current.position) {
          before = others[i];
          break;
        }
        seen++;
      }
      list.insertBefore(card, before);
    }
    setPlace(card, current);
    if (notice) {
      notice.textContent = message;
      notice.hidden = false;
      notice.scrollIntoView({ block: "nearest" });
    }
  }

  // The column headers' counts, as the server words them ("3", "3 of 5"), after a move.
  function showCounts(counts) {
    for (var i = 0; i < counts.length; i++) {
      var column = board.querySelector('.board-column[data-column="' + counts[i].column_id + '"]');
      var count = column ? column.querySelector(".count") : null;
      if (count) {
        count.textContent = counts[i].text;
        column.classList.toggle("over-limit", !!counts[i].over_limit);
      }
    }
  }

  function indexIn(list, card) {
    var cards = list.querySelectorAll(".card");
    for (var i = 0; i < cards.length; i++) {
      if (cards[i] === card) {
        return i;
      }
    }
    return cards.length;
  }

  function cardAfter(list, y) {
    var cards = list.querySelectorAll(".card:not(.dragging)");
    for (var i = 0; i < cards.length; i++) {
      var box = cards[i].getBoundingClientRect();
      if (y < box.top + box.height / 2) {
        return cards[i];
      }
    }
    return null;
  }

  function send(card, column, index, override) {
    var body = new URLSearchParams();
    body.set("csrf_token", token);
    body.set("column_id", column);
    body.set("index", String(index));
    body.set("version", card.getAttribute("data-version") || "");
    if (override) {
      body.set("override", "1");
    }
    return fetch("/tasks/" + card.getAttribute("data-task") + "/move", {
      method: "POST",
      headers: { "Accept": "application/json", "X-CSRF-Token": token },
      body: body,
      credentials: "same-origin"
    }).then(function (response) {
      if (response.status === 409) {
        return response.json().then(function (data) {
          if (data.field === "version" && data.current) {
            putBack(card, data.current, data.error || "");
            return null;
          }
          var text = (data.error || "") + "\n\n" + board.getAttribute("data-override");
          if (board.hasAttribute("data-can-override") && !override && window.confirm(text)) {
            return send(card, column, index, true);
          }
          if (!board.hasAttribute("data-can-override")) {
            window.alert(text);
          }
          window.location.reload();
        });
      }
      if (!response.ok) {
        window.location.reload();
        return null;
      }
      return response.json().then(function (data) {
        setPlace(card, data);
        showCounts(data.counts || []);
        if (notice) {
          notice.hidden = true;
        }
      });
    }, function () {
      window.location.reload();
    });
  }

  board.addEventListener("dragstart", function (event) {
    var card = event.target.closest ? event.target.closest(".card") : null;
    if (!card) {
      return;
    }
    dragged = card;
    card.classList.add("dragging");
    event.dataTransfer.effectAllowed = "move";
    event.dataTransfer.setData("text/plain", card.getAttribute("data-task"));
  });

  board.addEventListener("dragend", function () {
    if (dragged) {
      dragged.classList.remove("dragging");
    }
    dragged = null;
  });

  board.addEventListener("dragover", function (event) {
    var column = event.target.closest ? event.target.closest(".board-column") : null;
    if (!dragged || !column) {
      return;
    }
    event.preventDefault();
    var list = column.querySelector(".cards");
    var after = cardAfter(list, event.clientY);
    if (after) {
      list.insertBefore(dragged, after);
    } else {
      list.appendChild(dragged);
    }
  });

  board.addEventListener("drop", function (event) {
    var column = event.target.closest ? event.target.closest(".board-column") : null;
    if (!dragged || !column) {
      return;
    }
    event.preventDefault();
    var list = column.querySelector(".cards");
    send(dragged, column.getAttribute("data-column"), indexIn(list, dragged), false);
  });
})();
